"""Credential rules that more than one service needs, as pure functions: the CURP with its
check digit and the clave de elector with its consistency with names and birth date.
Identity checks what it reads against them; verification validates the voter roll."""
