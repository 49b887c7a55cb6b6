## doc/local.mk - the manual page of ttgrade, installed and shipped.
dist_man_MANS = doc/ttgrade.1
