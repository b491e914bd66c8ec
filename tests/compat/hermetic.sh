# Sourced by compat/run.sh and golden/run.sh: what makes the output of
# go tool pprof and of cpprof comparable byte for byte, so that the live
# differential suite and the goldens taken from go tool pprof compare alike.

# hermetic_env DIR: C locale, UTC (a case may still set TZ for one run), no
# user configuration (pprof reads $HOME/pprof/settings.json), no binaries
# found for symbolization, no browser or display to open. DIR receives the
# scratch HOME and PPROF_TMPDIR.
hermetic_env() {
	export LC_ALL=C TZ=UTC
	export HOME=$1/home PPROF_TMPDIR=$1/pprof-tmp PPROF_BINARY_PATH=/nonexistent
	unset PPROF_TOOLS BROWSER DISPLAY WAYLAND_DISPLAY
	rm -rf "$HOME" "$PPROF_TMPDIR"
	mkdir -p "$HOME" "$PPROF_TMPDIR"
}

# pprof_oracle: the command that `go tool pprof` runs; calling it directly
# skips the go command's start-up on every case.
pprof_oracle() {
	local t
	t=$(go env GOTOOLDIR 2>/dev/null)/pprof
	if [ -x "$t" ]; then echo "$t"; else echo "go tool pprof"; fi
}

# gunzip_in_place FILE: -proto and -topproto write gzip streams, and two
# gzip encoders write different bytes for the same profile, so those
# outputs are compared decompressed. A file that is not gzip stays as it is.
gunzip_in_place() {
	gzip -dc <"$1" >"$1.raw" 2>/dev/null && mv "$1.raw" "$1"
	rm -f "$1.raw"
}
