"""The county report of seed 001 (工作汇报), every figure from live data: `report.build_briefing`
(the sentences and figures, each with its metric and list), `word.render_docx` (the Word document
from a county's editable template, written by `make_template`)."""
