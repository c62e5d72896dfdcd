"""The SOP as data and the rules that move a case through it. Plain Python: no Flask imports here."""
