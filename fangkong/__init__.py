"""fangkong — 疫情防控指挥平台."""
