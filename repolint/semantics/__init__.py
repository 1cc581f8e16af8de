"""What the analysed code means: imports, models, sessions, data flow."""
