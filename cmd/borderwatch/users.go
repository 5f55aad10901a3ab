package main

import (
	"flag"
	"fmt"
	"io"

	"borderwatch/internal/store"
)

// runUsers is `borderwatch users add NAME --role ROLE | list | remove NAME`.
// add prints the new user's token once; only its hash is stored.
func runUsers(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("users", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	role := fs.String("role", store.RoleReader, "role of a new user: reader, analyst or admin")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch users add NAME [--role reader|analyst|admin] | list | remove NAME  [--db DB]")
		fs.PrintDefaults()
	}
	pos, status, ok := parseInterleaved(fs, args) // flags may follow the words
	if !ok {
		return status
	}
	if len(pos) == 0 || (pos[0] == "list" && len(pos) != 1) || (pos[0] != "list" && len(pos) != 2) {
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, err := store.Open(ctx, *dbFlag, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch users:", err)
		return 1
	}
	defer db.Close()
	switch pos[0] {
	case "add":
		u, token, err := db.AddUser(ctx, pos[1], *role)
		if err != nil {
			fmt.Fprintln(stderr, "borderwatch users:", err)
			return 1
		}
		fmt.Fprintf(stderr, "user %s (%s) added; this token is shown once, keep it:\n", u.Name, u.Role)
		fmt.Fprintln(stdout, token)
	case "list":
		users, err := db.Users(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "borderwatch users:", err)
			return 1
		}
		for _, u := range users {
			fmt.Fprintf(stdout, "%-20s %-8s %s\n", u.Name, u.Role, u.CreatedAt.Format("2006-01-02 15:04"))
		}
	case "remove":
		if err := db.RemoveUser(ctx, pos[1]); err != nil {
			fmt.Fprintln(stderr, "borderwatch users:", err)
			return 1
		}
		fmt.Fprintf(stdout, "user %s removed\n", pos[1])
	default:
		fmt.Fprintf(stderr, "borderwatch users: unknown subcommand %q\n", pos[0])
		fs.Usage()
		return 2
	}
	return 0
}
