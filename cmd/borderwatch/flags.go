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
