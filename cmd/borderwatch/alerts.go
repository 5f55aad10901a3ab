package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"borderwatch/internal/watch"
)

// runAlerts is `borderwatch alerts add [rule flags] | list | test RULE
// [--since DATE] | enable RULE | disable RULE | remove RULE`. A running
// server picks up rules added here within a minute.
func runAlerts(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("alerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	var r watch.Rule
	fs.StringVar(&r.ID, "id", "", "id of a new rule (default: made up)")
	fs.StringVar(&r.Name, "name", "", "a name for the rule, shown in its alerts")
	fs.StringVar(&r.On, "on", "", "what fires: event, document, incident or disagreement (default from the other flags)")
	fs.StringVar(&r.Watch, "watch", "", "only events inside this watch area (see `borderwatch watch`)")
	types := fs.String("types", "", "PLOVER event types, comma-separated (e.g. MOBILIZE,ASSAULT,COERCE)")
	modes := fs.String("modes", "", "PLOVER modes, comma-separated")
	actors := fs.String("actor-country", "", "actor countries (ISO3), comma-separated")
	actorSectors := fs.String("actor-sector", "", "actor sectors (GOV, MIL, REB, ...), comma-separated")
	recipients := fs.String("recipient-country", "", "recipient countries (ISO3), comma-separated")
	modalities := fs.String("modalities", "", "modalities that count, comma-separated (default: asserted only)")
	fs.IntVar(&r.MinSources, "min-sources", 0, "minimum independent sources of an incident (fires on the incident)")
	threshold := fs.String("threshold", "", "COUNT/WINDOW: fire when this many matching events fall within the window, e.g. 5/24h")
	var keywords []string
	fs.Func("keyword", "a keyword (repeatable); matched at word starts in any language and script", func(s string) error {
		keywords = append(keywords, s)
		return nil
	})
	fs.Bool("any-language", true, "match keywords in reports in any language (always on: keywords are folded and Cyrillic is transliterated)")
	webhook := fs.String("webhook", "", "POST this rule's alerts to this URL, signed")
	secret := fs.String("secret", "", "the webhook's signing secret")
	shared := fs.Bool("shared", false, "share the rule with every user (as an admin)")
	disabled := fs.Bool("disabled", false, "add the rule switched off (try it with `alerts test` first)")
	user := fs.String("user", "local", "whose rules: the owner of a new rule, whose alerts to list")
	since := fs.String("since", "", "replay from this publication date (YYYY-MM-DD)")
	limit := fs.Int("limit", 50, "alerts listed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch alerts add [--watch AREA] [--types T,T] [--min-sources N] [--keyword K] [--webhook URL --secret S] ... |")
		fmt.Fprintln(stderr, "                          list | fired | test RULE [--since YYYY-MM-DD] | enable RULE | disable RULE | remove RULE  [--db DB]")
		fs.PrintDefaults()
	}
	pos, status, ok := parseInterleaved(fs, args)
	if !ok {
		return status
	}
	one := map[string]bool{"test": true, "enable": true, "disable": true, "remove": true}
	if len(pos) == 0 || (one[pos[0]] && len(pos) != 2) || (!one[pos[0]] && len(pos) != 1) {
		fs.Usage()
		return 2
	}
	switch pos[0] {
	case "add", "list", "fired", "test", "enable", "disable", "remove":
	default:
		fmt.Fprintf(stderr, "borderwatch alerts: unknown subcommand %q\n", pos[0])
		fs.Usage()
		return 2
	}
	from, err := parseDay("since", *since)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch alerts:", err)
		return 2
	}
	if pos[0] == "add" {
		r.Types, r.Modes, r.Modalities = splitList(*types), splitList(*modes), splitList(*modalities)
		r.Actor.Countries, r.Actor.Sectors, r.Recipient.Countries = splitList(*actors), splitList(*actorSectors), splitList(*recipients)
		r.Keywords, r.Shared, r.Active = keywords, *shared, !*disabled
		if *threshold != "" {
			t, err := parseThreshold(*threshold)
			if err != nil {
				fmt.Fprintln(stderr, "borderwatch alerts:", err)
				return 2
			}
			r.Threshold = &t
		}
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, alerts, err := openAlerts(ctx, *dbFlag, pos[0] == "test", stderr)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch alerts:", err)
		return 1
	}
	defer db.Close()
	defer alerts.Close(ctx)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "borderwatch alerts:", err)
		return 1
	}
	switch pos[0] {
	case "add":
		info, err := alerts.AddRule(ctx, *user, r, *webhook, *secret)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "rule %s added (%s)\n", info.ID, describeRule(info.Rule))
	case "list":
		rules, err := alerts.Rules(ctx, *user, true)
		if err != nil {
			return fail(err)
		}
		for _, ri := range rules {
			state := "on"
			if !ri.Active {
				state = "off"
			}
			hook := ""
			if d := ri.Delivery; d != nil {
				hook = fmt.Sprintf("  webhook %s: %d pending", d.URL, d.Pending)
				if ri.Failing {
					hook += fmt.Sprintf(", FAILING (%d attempts: %s)", d.Failures, d.LastError)
				}
			}
			fmt.Fprintf(stdout, "%-18s %-3s %-10s %s%s\n", ri.ID, state, ri.Owner, describeRule(ri.Rule), hook)
		}
	case "fired":
		fired, err := alerts.Alerts(ctx, *user, *limit)
		if err != nil {
			return fail(err)
		}
		for _, a := range fired {
			fmt.Fprintf(stdout, "%s  rev %d  %s\n", a.UpdatedAt.Format("2006-01-02 15:04"), a.Revision, a.Summary)
		}
	case "test":
		replayed, err := alerts.Test(ctx, pos[1], from)
		if err != nil {
			return fail(err)
		}
		for _, a := range replayed {
			fmt.Fprintf(stdout, "%s  %s\n", a.FiredAt.Format("2006-01-02 15:04"), a.Summary)
			for _, ev := range a.Evidence {
				fmt.Fprintf(stdout, "    %s %s: %s\n", ev.DocID, ev.Type, ev.Text)
			}
		}
		fmt.Fprintf(stdout, "rule %s would have fired %d alerts\n", pos[1], len(replayed))
	case "enable", "disable":
		if err := alerts.SetEnabled(ctx, *user, true, pos[1], pos[0] == "enable"); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "rule %s %sd\n", pos[1], pos[0])
	case "remove":
		if err := alerts.DeleteRule(ctx, *user, true, pos[1]); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "rule %s removed\n", pos[1])
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseThreshold reads COUNT/WINDOW ("5/24h").
func parseThreshold(s string) (watch.Threshold, error) {
	c, w, ok := strings.Cut(s, "/")
	var n int
	if _, err := fmt.Sscanf(c, "%d", &n); !ok || err != nil || n < 1 {
		return watch.Threshold{}, fmt.Errorf("--threshold %q: want COUNT/WINDOW such as 5/24h", s)
	}
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		return watch.Threshold{}, fmt.Errorf("--threshold %q: want COUNT/WINDOW such as 5/24h", s)
	}
	return watch.Threshold{Count: n, Window: watch.Duration(d)}, nil
}

// describeRule says in a line what a rule fires on.
func describeRule(r watch.Rule) string {
	var parts []string
	parts = append(parts, "on "+r.On)
	add := func(label string, xs []string) {
		if len(xs) > 0 {
			parts = append(parts, label+" "+strings.Join(xs, ","))
		}
	}
	if r.Watch != "" {
		parts = append(parts, "in "+r.Watch)
	}
	add("types", r.Types)
	add("modes", r.Modes)
	add("actors", append(append([]string{}, r.Actor.Countries...), r.Actor.Sectors...))
	add("recipients", r.Recipient.Countries)
	add("modalities", r.Modalities)
	if r.MinSources > 1 {
		parts = append(parts, fmt.Sprintf("%d+ sources", r.MinSources))
	}
	if t := r.Threshold; t != nil {
		parts = append(parts, fmt.Sprintf("%d within %s", t.Count, time.Duration(t.Window)))
	}
	add("keywords", r.Keywords)
	if r.Shared {
		parts = append(parts, "shared")
	}
	return strings.Join(parts, ", ")
}
