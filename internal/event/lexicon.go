package event

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strings"

	"borderwatch/internal/wordscan"
)

//go:embed data/triggers.tsv
var triggersTSV string

// entry kinds of the trigger lexicon.
const (
	kindTrigger  = 'T' // a word or phrase that signals an event type
	kindGovernor = 'G' // a verb that takes another event as its complement ("threatened to attack")
	kindModal    = 'M' // a marker of modality ("will", "could", "not")
)

// entry is one row of data/triggers.tsv.
type entry struct {
	kind     byte
	typ      string // event type; for governors "TENSE" applies the tense rule; for modals the modality
	mode     string
	contexts []string
	pattern  [][]string // per position the accepted lower-case forms; nil = gap
	noun     bool       // a nominal trigger ("the withdrawal of ...", "clashes")
	weight   float64    // longer, more specific patterns win
	line     int
}

// lexicon indexes entries by every form of their first token.
type lexicon struct {
	byFirst map[string][]*entry
	first   *wordscan.Map[[]*entry] // byFirst behind a filter: most words start no entry
	hash    string
}

func loadLexicon(src string) (*lexicon, error) {
	lx := &lexicon{byFirst: map[string][]*entry{}}
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			return nil, fmt.Errorf("event: triggers.tsv:%d: want kind, type, mode, pattern[, contexts, flags], got %d fields", n, len(f))
		}
		if len(f[0]) != 1 || !strings.Contains("TGM", f[0]) {
			return nil, fmt.Errorf("event: triggers.tsv:%d: kind %q is not T, G or M", n, f[0])
		}
		e := &entry{kind: f[0][0], typ: f[1], line: n}
		if f[2] != "" && f[2] != "-" {
			e.mode = f[2]
		}
		if len(f) > 4 && f[4] != "" && f[4] != "-" {
			e.contexts = strings.Split(f[4], ",")
		}
		if len(f) > 5 {
			for _, fl := range strings.Split(f[5], ",") {
				if fl == "noun" {
					e.noun = true
				}
			}
		}
		if (e.kind == kindTrigger || e.kind == kindGovernor && e.typ != "SELF") && !isType(e.typ) {
			return nil, fmt.Errorf("event: triggers.tsv:%d: unknown event type %q", n, e.typ)
		}
		words := strings.Fields(f[3])
		if len(words) == 0 || words[0] == "*" {
			return nil, fmt.Errorf("event: triggers.tsv:%d: empty pattern or leading gap", n)
		}
		for _, w := range words {
			if w == "*" {
				e.pattern = append(e.pattern, nil)
				continue
			}
			var forms []string
			for _, alt := range strings.Split(w, "|") {
				if strings.HasPrefix(alt, "~") {
					forms = append(forms, inflect(alt[1:])...)
				} else {
					forms = append(forms, alt)
				}
			}
			e.pattern = append(e.pattern, forms)
			e.weight++
		}
		for _, form := range e.pattern[0] {
			lx.byFirst[form] = append(lx.byFirst[form], e)
		}
	}
	lx.first = wordscan.NewMap(lx.byFirst)
	sum := sha256.Sum256([]byte(src))
	lx.hash = hex.EncodeToString(sum[:])[:8]
	return lx, sc.Err()
}

func isType(t string) bool {
	switch t {
	case "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
		"THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT":
		return true
	}
	return false
}

// match is a lexicon entry found at a token position.
type match struct {
	e          *entry
	start, end int // token indexes, end exclusive
}

// maxGap is how many words a "*" in a pattern may skip.
const maxGap = 4

// find appends to out, for each kind, the best (longest, then most
// specific) match starting at each token; overlapping matches of one kind
// keep the earlier-starting longer one.
func (lx *lexicon) find(out []match, toks []token) []match {
	for i := range toks {
		if !toks[i].word {
			continue
		}
		var best match // best.e == nil: none yet
		es, _ := lx.first.Get(toks[i].lower)
		for _, e := range es {
			if end, ok := matchAt(e, toks, i); ok {
				// the longest pattern wins; between equals a governor, then the tighter match
				if best.e == nil || e.weight > best.e.weight ||
					e.weight == best.e.weight && (e.kind == kindGovernor && best.e.kind != kindGovernor || end-i < best.end-best.start) {
					best = match{e: e, start: i, end: end}
				}
			}
		}
		if best.e != nil {
			out = append(out, best)
		}
	}
	return out
}

func matchAt(e *entry, toks []token, i int) (int, bool) {
	return matchFrom(e.pattern, 0, toks, i)
}

func matchFrom(p [][]string, k int, toks []token, i int) (int, bool) {
	if k == len(p) {
		return i, true
	}
	if p[k] == nil { // gap: skip 0..maxGap words, never across punctuation
		for skip := 0; skip <= maxGap && i+skip <= len(toks); skip++ {
			if skip > 0 && (!toks[i+skip-1].word || stopsGap[toks[i+skip-1].lower]) {
				break
			}
			if end, ok := matchFrom(p, k+1, toks, i+skip); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i >= len(toks) {
		return 0, false
	}
	for _, f := range p[k] {
		if toks[i].lower == f {
			return matchFrom(p, k+1, toks, i+1)
		}
	}
	return 0, false
}

// stopsGap are words a pattern gap never crosses: they start another clause.
var stopsGap = map[string]bool{"and": true, "but": true, "which": true, "who": true, "that": true, "after": true,
	"before": true, "because": true, "while": true, "if": true, "unless": true, "said": true, "says": true}

// irregular verb forms: lemma -> third person, past, participle, gerund.
var irregular = map[string][]string{
	"be": {"is", "are", "was", "were", "been", "being", "be", "am"}, "send": {"sends", "sent", "sending"},
	"meet": {"meets", "met", "meeting"}, "take": {"takes", "took", "taken", "taking"},
	"give": {"gives", "gave", "given", "giving"}, "hold": {"holds", "held", "holding"},
	"fight": {"fights", "fought", "fighting"}, "flee": {"flees", "fled", "fleeing"},
	"shoot": {"shoots", "shot", "shooting"}, "begin": {"begins", "began", "begun", "beginning"},
	"withdraw": {"withdraws", "withdrew", "withdrawn", "withdrawing"}, "bring": {"brings", "brought", "bringing"},
	"strike": {"strikes", "struck", "striking"}, "break": {"breaks", "broke", "broken", "breaking"},
	"sell": {"sells", "sold", "selling"}, "cut": {"cuts", "cut", "cutting"}, "put": {"puts", "put", "putting"},
	"set": {"sets", "set", "setting"}, "beat": {"beats", "beat", "beaten", "beating"},
	"overrun": {"overruns", "overran", "overrun", "overrunning"}, "blow": {"blows", "blew", "blown", "blowing"},
	"swear": {"swears", "swore", "sworn", "swearing"}, "forbid": {"forbids", "forbade", "forbidden", "forbidding"},
	"drive": {"drives", "drove", "driven", "driving"}, "keep": {"keeps", "kept", "keeping"},
	"leave": {"leaves", "left", "leaving"}, "seek": {"seeks", "sought", "seeking"}, "lay": {"lays", "laid", "laying"},
	"win": {"wins", "won", "winning"}, "make": {"makes", "made", "making"}, "go": {"goes", "went", "gone", "going"},
	"come": {"comes", "came", "coming"}, "run": {"runs", "ran", "running"}, "rise": {"rises", "rose", "risen", "rising"},
	"throw": {"throws", "threw", "thrown", "throwing"}, "hit": {"hits", "hit", "hitting"},
	"shut": {"shuts", "shut", "shutting"}, "speak": {"speaks", "spoke", "spoken", "speaking"},
	"freeze": {"freezes", "froze", "frozen", "freezing"}, "undertake": {"undertakes", "undertook", "undertaken", "undertaking"},
	"retake": {"retakes", "retook", "retaken", "retaking"}, "overtake": {"overtakes", "overtook", "overtaken", "overtaking"},
	"shake": {"shakes", "shook", "shaken", "shaking"}, "arise": {"arises", "arose", "arisen", "arising"},
	"forgive": {"forgives", "forgave", "forgiven", "forgiving"}, "stand": {"stands", "stood", "standing"},
	"hang": {"hangs", "hung", "hanged", "hanging"}, "lead": {"leads", "led", "leading"}, "pay": {"pays", "paid", "paying"},
	"tell": {"tells", "told", "telling"}, "say": {"says", "said", "saying"}, "do": {"does", "did", "done", "doing"},
	"have": {"has", "had", "having"}, "let": {"lets", "let", "letting"}, "deal": {"deals", "dealt", "dealing"},
	"lose": {"loses", "lost", "losing"}, "find": {"finds", "found", "finding"}, "get": {"gets", "got", "gotten", "getting"},
	"write": {"writes", "wrote", "written", "writing"}, "steal": {"steals", "stole", "stolen", "stealing"},
	"ride": {"rides", "rode", "ridden", "riding"}, "bear": {"bears", "bore", "borne", "bearing"},
	"kidnap": {"kidnaps", "kidnapped", "kidnapping", "kidnaped"}, "shell": {"shells", "shelled", "shelling"},
	"spread": {"spreads", "spread", "spreading"}, "bid": {"bids", "bid", "bidding"}, "quit": {"quits", "quit", "quitting"},
	"rebuild": {"rebuilds", "rebuilt", "rebuilding"}, "build": {"builds", "built", "building"},
	"stab": {"stabs", "stabbed", "stabbing"}, "ban": {"bans", "banned", "banning"}, "plan": {"plans", "planned", "planning"},
	"stop": {"stops", "stopped", "stopping"}, "drop": {"drops", "dropped", "dropping"}, "ship": {"ships", "shipped", "shipping"},
	"bar": {"bars", "barred", "barring"}, "rob": {"robs", "robbed", "robbing"}, "grab": {"grabs", "grabbed", "grabbing"},
	"commit": {"commits", "committed", "committing"}, "submit": {"submits", "submitted", "submitting"},
	"admit": {"admits", "admitted", "admitting"}, "permit": {"permits", "permitted", "permitting"},
	"regret": {"regrets", "regretted", "regretting"}, "expel": {"expels", "expelled", "expelling"},
	"compel": {"compels", "compelled", "compelling"}, "patrol": {"patrols", "patrolled", "patrolling"},
	"control": {"controls", "controlled", "controlling"}, "repel": {"repels", "repelled", "repelling"},
	"refer": {"refers", "referred", "referring"}, "occur": {"occurs", "occurred", "occurring"},
	"prefer": {"prefers", "preferred", "preferring"}, "confer": {"confers", "conferred", "conferring"},
	"pin": {"pins", "pinned", "pinning"}, "step": {"steps", "stepped", "stepping"}, "trap": {"traps", "trapped", "trapping"},
	"fly": {"flies", "flew", "flown", "flying"}, "tear": {"tears", "tore", "torn", "tearing"},
	"sink": {"sinks", "sank", "sunk", "sinking"}, "seize": {"seizes", "seized", "seizing"},
	"wage": {"wages", "waged", "waging"}, "mobilise": {"mobilises", "mobilised", "mobilising"},
	"upgrade": {"upgrades", "upgraded", "upgrading"}, "renege": {"reneges", "reneged", "reneging"},
	"slay": {"slays", "slew", "slain", "slaying"}, "feed": {"feeds", "fed", "feeding"},
	"foresee": {"foresees", "foresaw", "foreseen", "foreseeing"}, "see": {"sees", "saw", "seen", "seeing"},
}

// inflect returns the forms of a verb lemma.
func inflect(lemma string) []string {
	forms := []string{lemma}
	if irr, ok := irregular[lemma]; ok {
		return append(forms, irr...)
	}
	return append(forms, regularForms(lemma)...)
}

func regularForms(w string) []string {
	n := len(w)
	if n < 2 {
		return nil
	}
	last := w[n-1]
	var s, ed, ing string
	switch {
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "z") ||
		strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh") || strings.HasSuffix(w, "o"):
		s = w + "es"
	case last == 'y' && !isVowel(w[n-2]):
		s = w[:n-1] + "ies"
	default:
		s = w + "s"
	}
	switch {
	case last == 'e':
		ed, ing = w+"d", w[:n-1]+"ing"
		if strings.HasSuffix(w, "ee") || strings.HasSuffix(w, "ye") {
			ing = w + "ing"
		}
	case last == 'y' && !isVowel(w[n-2]):
		ed, ing = w[:n-1]+"ied", w+"ing"
	default:
		ed, ing = w+"ed", w+"ing"
	}
	return []string{s, ed, ing}
}

func isVowel(b byte) bool { return strings.IndexByte("aeiou", b) >= 0 }
