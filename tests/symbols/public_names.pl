#!/usr/bin/perl
# Prints the name of every declaration marked HVSNAP_EXTERN in the given
# headers, one a line: the public API as the headers state it.
use strict;
use warnings;

local $/;
for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$file: $!\n";
	my $text = <$fh>;
	close $fh;
	$text =~ s{/\*.*?\*/}{ }gs;              # block comments
	$text =~ s{//[^\n]*}{}g;                 # line comments
	$text =~ s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{}mg;  # directives (the macro's own #define)
	# The declared name is the last identifier before the parameter list
	# (a function) or before the semicolon (an object).
	while ($text =~ /\bHVSNAP_EXTERN\b([^;(]*)[;(]/g) {
		my @ids = $1 =~ /([A-Za-z_]\w*)/g;
		die "$file: HVSNAP_EXTERN without a name\n" unless @ids;
		print "$ids[-1]\n";
	}
}
