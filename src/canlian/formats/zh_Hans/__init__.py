"""Chinese (Simplified) number formats; see ``canlian.formats``."""
