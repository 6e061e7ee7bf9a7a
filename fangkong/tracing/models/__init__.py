"""Cases and tracing: protocol versions, cases, investigations, contacts, chains, co-presence."""
