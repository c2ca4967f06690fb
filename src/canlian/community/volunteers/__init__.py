"""Community support, volunteers (助残志愿者): organisations, volunteers, help requests and service hours."""
