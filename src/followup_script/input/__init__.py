"""What users supply: the config file, validators and values from options and rows."""
