"""Test fakes: Claude scripted behind respx (never in shipped code)."""
