"""The headquarters: its structure, dispatch, daily and zero reports, supervision, duty, supplies."""
