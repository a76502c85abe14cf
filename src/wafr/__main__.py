from wafr.cli import app

app(prog_name="wafr")
