"""Notifications: in the app (a bell and a list) and by email, each or as a daily digest."""
