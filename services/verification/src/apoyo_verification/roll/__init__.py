"""The voter roll (lista nominal / padrón) by cut: its rows, its file and its loading."""
