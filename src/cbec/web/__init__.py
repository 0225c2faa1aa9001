"""The web UI: zone dashboard (/dashboard), regulator console (/console), enterprise portal (/portal).

Server-rendered with Jinja2, HTMX for interaction, Apache ECharts served from the package (no CDN).
Callers log in with their platform API key; the browser then holds a signed session cookie.
"""
