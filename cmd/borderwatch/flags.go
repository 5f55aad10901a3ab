package main

import (
	"errors"
	"flag"
)

// parseInterleaved parses flags that may stand between and after the
// positional words ("users add NAME --role analyst"). When parsing stops,
// ok is false and status is the exit status: 0 for -h, 2 for a bad flag.
func parseInterleaved(fs *flag.FlagSet, args []string) (words []string, status int, ok bool) {
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		if fs.NArg() == 0 {
			return words, 0, true
		}
		words = append(words, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}

// parseNoArgs parses flags for a command that takes no positional words;
// ok is false with the exit status when parsing stopped or a word was left.
func parseNoArgs(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2, false
	}
	return 0, true
}

// dbFlagOf defines the --db flag every command that opens the store takes.
func dbFlagOf(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB(), "database: a SQLite file or a postgres:// URL ($BORDERWATCH_DB)")
}
