"""Workers and the message bus."""
