"""Enterprise registry (企业备案): platforms, sellers, payment, logistics and other filed enterprises."""
