package quantity

// class says what a known word does around a number.
type class uint8

const (
	cNone      class = iota
	cCardinal        // "one" .. "ninety": val
	cScale           // "hundred", "thousand", "million", "billion": val
	cOrdinal         // "first" .. "twelfth", "twentieth": val
	cVague           // "dozens", "several": val (the ACLED number)
	cA               // "a", "an": a number only before a scale or "dozen"
	cQual            // first word of a qualifier
	cUnitLen         // km, miles: Kind length
	cUnitPct         // percent
	cUnitMoney       // dollars, euros
	cUnitTime        // days, years: Kind duration
	cUnitOther       // kilograms, tonnes: a measure, Kind other
	cMonth           // a month name: numbers next to it are dates
	cStop            // ends a unit phrase
	cDead            // killed, dead, deaths
	cInjured         // wounded, injured
	cArrested        // arrested, detained
	cAux             // were, have been: skipped between a unit and its verb
	cDrop            // demonyms and adjectives dropped from the front of a unit
	cDatePrep        // "in", "since": before a 4-digit number it is a year
)

// word is the meaning of a lower-case word; hot words make a sentence
// worth parsing even without a digit.
type word struct {
	class class
	val   float64
	hot   bool
	also  class  // a second role: "in" is cStop and cDatePrep
	id    wordID // identity, for the few words matched one by one
	noun  bool   // a casualty noun that can be the unit: "deaths", "arrests"
	// plural marks irregular plurals, which end a unit phrase as a
	// plural in -s does: "12 people live" has the unit "people".
	plural bool
}

// wordID names the words that patterns match individually.
type wordID uint8

const (
	idNone wordID = iota
	idMore
	idThan
	idAt
	idLeast
	idMost
	idUp
	idTo
	idAs
	idMany
	idFewer
	idLess
	idA
	idEstimated
	idOf
	idAnd
	idBetween
	idSome
	idOver
	idAbout
	idAround
	idApproximately
	idRoughly
	idNearly
	idAlmost
	idUnder
	idFew
	idCouple
	idDozen
	idOne
	idPer
	idCent
	idStrong
	idNo
	idUS
	idAM
	idPM
	idTens
	idScores
	idThousands
	idMillions
	idHundreds
	idDozens
	idSeveral
	idThe
	idToll
	idM
)

var ids = map[string]wordID{
	"more": idMore, "than": idThan, "at": idAt, "least": idLeast, "most": idMost, "up": idUp,
	"to": idTo, "as": idAs, "many": idMany, "fewer": idFewer, "less": idLess, "a": idA, "an": idA,
	"estimated": idEstimated, "of": idOf, "and": idAnd, "between": idBetween, "some": idSome,
	"over": idOver, "about": idAbout, "around": idAround, "approximately": idApproximately,
	"roughly": idRoughly, "nearly": idNearly, "almost": idAlmost, "under": idUnder, "few": idFew,
	"couple": idCouple, "dozen": idDozen, "one": idOne, "per": idPer, "cent": idCent,
	"strong": idStrong, "no": idNo, "any": idNo, "every": idNo, "each": idNo, "this": idNo,
	"that": idNo, "us": idUS, "am": idAM, "pm": idPM, "tens": idTens, "scores": idScores,
	"thousands": idThousands, "millions": idMillions, "hundreds": idHundreds, "dozens": idDozens,
	"several": idSeveral, "the": idThe, "toll": idToll, "m": idM,
}

// withIDs stamps each word's identity into the table, so one map lookup per
// word gives both its class and its identity.
func withIDs(words map[string]word, ids map[string]wordID) map[string]word {
	for k, id := range ids {
		w := words[k]
		if w.class == cNone {
			w.class = cStop
		}
		w.id = id
		words[k] = w
	}
	return words
}

const longestWord = 13 // "approximately"

var words = withIDs(map[string]word{
	"one": {class: cCardinal, val: 1, hot: true}, "two": {class: cCardinal, val: 2, hot: true},
	"three": {class: cCardinal, val: 3, hot: true}, "four": {class: cCardinal, val: 4, hot: true},
	"five": {class: cCardinal, val: 5, hot: true}, "six": {class: cCardinal, val: 6, hot: true},
	"seven": {class: cCardinal, val: 7, hot: true}, "eight": {class: cCardinal, val: 8, hot: true},
	"nine": {class: cCardinal, val: 9, hot: true}, "ten": {class: cCardinal, val: 10, hot: true},
	"eleven": {class: cCardinal, val: 11, hot: true}, "twelve": {class: cCardinal, val: 12, hot: true},
	"thirteen": {class: cCardinal, val: 13, hot: true}, "fourteen": {class: cCardinal, val: 14, hot: true},
	"fifteen": {class: cCardinal, val: 15, hot: true}, "sixteen": {class: cCardinal, val: 16, hot: true},
	"seventeen": {class: cCardinal, val: 17, hot: true}, "eighteen": {class: cCardinal, val: 18, hot: true},
	"nineteen": {class: cCardinal, val: 19, hot: true}, "twenty": {class: cCardinal, val: 20, hot: true},
	"thirty": {class: cCardinal, val: 30, hot: true}, "forty": {class: cCardinal, val: 40, hot: true},
	"fifty": {class: cCardinal, val: 50, hot: true}, "sixty": {class: cCardinal, val: 60, hot: true},
	"seventy": {class: cCardinal, val: 70, hot: true}, "eighty": {class: cCardinal, val: 80, hot: true},
	"ninety": {class: cCardinal, val: 90, hot: true},

	"hundred": {class: cScale, val: 100, hot: true}, "thousand": {class: cScale, val: 1e3, hot: true},
	"million": {class: cScale, val: 1e6, hot: true}, "billion": {class: cScale, val: 1e9, hot: true},
	"mln": {class: cScale, val: 1e6}, "bln": {class: cScale, val: 1e9}, "bn": {class: cScale, val: 1e9},

	"first": {class: cOrdinal, val: 1, hot: true}, "second": {class: cOrdinal, val: 2, hot: true},
	"third": {class: cOrdinal, val: 3, hot: true}, "fourth": {class: cOrdinal, val: 4, hot: true},
	"fifth": {class: cOrdinal, val: 5, hot: true}, "sixth": {class: cOrdinal, val: 6, hot: true},
	"seventh": {class: cOrdinal, val: 7, hot: true}, "eighth": {class: cOrdinal, val: 8, hot: true},
	"ninth": {class: cOrdinal, val: 9, hot: true}, "tenth": {class: cOrdinal, val: 10, hot: true},
	"eleventh": {class: cOrdinal, val: 11, hot: true}, "twelfth": {class: cOrdinal, val: 12, hot: true},
	"twentieth": {class: cOrdinal, val: 20, hot: true},

	// ACLED-style numbers for vague amounts. "a few" is read like
	// "several" (3); "tens", "hundreds", "thousands" and "scores" need "of"
	// or a scale after them ("tens of thousands" = 10,000).
	"dozens": {class: cVague, val: 12, hot: true}, "dozen": {class: cVague, val: 12, hot: true},
	"tens": {class: cVague, val: 10, hot: true}, "hundreds": {class: cVague, val: 100, hot: true},
	"thousands": {class: cVague, val: 1000, hot: true}, "millions": {class: cVague, val: 1e6, hot: true},
	"scores": {class: cVague, val: 20, hot: true}, "several": {class: cVague, val: 3, hot: true},
	"few": {class: cVague, val: 3, hot: true}, "couple": {class: cVague, val: 2, hot: true},

	"a": {class: cA, also: cStop}, "an": {class: cA, also: cStop},

	"more": {class: cQual, also: cStop}, "at": {class: cQual, also: cStop}, "about": {class: cQual, also: cStop},
	"around": {class: cQual, also: cStop}, "approximately": {class: cQual}, "roughly": {class: cQual},
	"nearly": {class: cQual}, "almost": {class: cQual}, "up": {class: cQual, also: cStop},
	"over": {class: cQual, also: cStop}, "some": {class: cQual, also: cStop}, "fewer": {class: cQual},
	"less": {class: cQual, also: cStop}, "as": {class: cQual, also: cStop}, "estimated": {class: cQual},
	"under": {class: cQual, also: cStop}, "between": {class: cQual, also: cStop},

	"km": {class: cUnitLen}, "kilometres": {class: cUnitLen}, "kilometers": {class: cUnitLen},
	"kilometre": {class: cUnitLen}, "kilometer": {class: cUnitLen}, "miles": {class: cUnitLen},
	"mile": {class: cUnitLen}, "metres": {class: cUnitLen}, "meters": {class: cUnitLen},
	"metre": {class: cUnitLen}, "meter": {class: cUnitLen}, "kms": {class: cUnitLen},

	"percent": {class: cUnitPct}, "pct": {class: cUnitPct},

	"dollars": {class: cUnitMoney}, "dollar": {class: cUnitMoney}, "euros": {class: cUnitMoney},
	"rubles": {class: cUnitMoney}, "roubles": {class: cUnitMoney}, "somoni": {class: cUnitMoney},
	"afghanis": {class: cUnitMoney}, "yuan": {class: cUnitMoney}, "usd": {class: cUnitMoney},

	"seconds": {class: cUnitTime}, "minutes": {class: cUnitTime}, "minute": {class: cUnitTime},
	"hours": {class: cUnitTime}, "hour": {class: cUnitTime}, "days": {class: cUnitTime},
	"day": {class: cUnitTime}, "weeks": {class: cUnitTime}, "week": {class: cUnitTime},
	"months": {class: cUnitTime}, "month": {class: cUnitTime}, "years": {class: cUnitTime},
	"year": {class: cUnitTime}, "decades": {class: cUnitTime}, "decade": {class: cUnitTime},
	"night": {class: cUnitTime}, "nights": {class: cUnitTime},

	"kg": {class: cUnitOther}, "kilograms": {class: cUnitOther}, "kilogrammes": {class: cUnitOther},
	"tonnes": {class: cUnitOther}, "tons": {class: cUnitOther}, "litres": {class: cUnitOther},
	"liters": {class: cUnitOther}, "degrees": {class: cUnitOther},

	"january": {class: cMonth}, "february": {class: cMonth}, "march": {class: cMonth, also: cStop}, "april": {class: cMonth},
	"may": {class: cMonth, also: cStop}, "june": {class: cMonth}, "july": {class: cMonth}, "august": {class: cMonth},
	"september": {class: cMonth}, "october": {class: cMonth}, "november": {class: cMonth}, "december": {class: cMonth},
	"jan": {class: cMonth}, "feb": {class: cMonth}, "mar": {class: cMonth}, "apr": {class: cMonth},
	"jun": {class: cMonth}, "jul": {class: cMonth}, "aug": {class: cMonth}, "sep": {class: cMonth},
	"sept": {class: cMonth}, "oct": {class: cMonth}, "nov": {class: cMonth}, "dec": {class: cMonth},

	"killed": {class: cDead}, "killing": {class: cDead}, "kills": {class: cDead}, "kill": {class: cDead},
	"dead": {class: cDead}, "died": {class: cDead}, "deaths": {class: cDead, noun: true}, "fatalities": {class: cDead, noun: true},
	"toll": {class: cDead}, "murdered": {class: cDead}, "executed": {class: cDead}, "bodies": {class: cDead, noun: true}, "slain": {class: cDead},
	"wounded": {class: cInjured}, "wounding": {class: cInjured}, "injured": {class: cInjured},
	"injuring": {class: cInjured}, "injuries": {class: cInjured, noun: true}, "hurt": {class: cInjured},
	"arrested": {class: cArrested}, "arresting": {class: cArrested}, "arrests": {class: cArrested, noun: true},
	"arrest": {class: cArrested}, "detained": {class: cArrested}, "detaining": {class: cArrested},
	"detain": {class: cArrested}, "detentions": {class: cArrested, noun: true}, "apprehended": {class: cArrested},

	"were": {class: cAux, also: cStop}, "was": {class: cAux, also: cStop}, "have": {class: cAux, also: cStop},
	"has": {class: cAux, also: cStop}, "had": {class: cAux, also: cStop}, "been": {class: cAux, also: cStop},
	"are": {class: cAux, also: cStop}, "is": {class: cAux, also: cStop}, "being": {class: cAux, also: cStop},
	"reportedly": {class: cAux, also: cStop}, "also": {class: cAux, also: cStop}, "allegedly": {class: cAux, also: cStop},
	"later": {class: cAux, also: cStop}, "got": {class: cAux, also: cStop}, "all": {class: cAux, also: cStop},

	"afghan": {class: cDrop}, "american": {class: cDrop}, "tajik": {class: cDrop}, "russian": {class: cDrop},
	"uzbek": {class: cDrop}, "turkmen": {class: cDrop}, "kyrgyz": {class: cDrop}, "pakistani": {class: cDrop},
	"iranian": {class: cDrop}, "chinese": {class: cDrop}, "turkish": {class: cDrop}, "british": {class: cDrop},
	"us": {class: cDrop}, "foreign": {class: cDrop}, "additional": {class: cDrop}, "other": {class: cDrop},
	"new": {class: cDrop}, "extra": {class: cDrop}, "taliban": {class: cDrop}, "local": {class: cDrop},

	"in": {class: cDatePrep, also: cStop}, "since": {class: cDatePrep, also: cStop},
	"by": {class: cDatePrep, also: cStop}, "until": {class: cDatePrep, also: cStop},
	"during": {class: cDatePrep, also: cStop}, "from": {class: cDatePrep, also: cStop},
	"of": {class: cDatePrep, also: cStop}, "the": {class: cDatePrep, also: cStop},
	"its": {class: cDatePrep, also: cStop}, "their": {class: cDatePrep, also: cStop},
	"early": {class: cDatePrep, also: cStop}, "mid": {class: cDatePrep, also: cStop},
	"late": {class: cDatePrep, also: cStop}, "before": {class: cDatePrep, also: cStop},
	"after": {class: cDatePrep, also: cStop}, "to": {class: cDatePrep, also: cStop},
	"and": {class: cDatePrep, also: cStop}, "or": {class: cDatePrep, also: cStop},
	"than": {class: cQual, also: cStop}, "least": {class: cStop}, "many": {class: cStop},

	"on": {class: cStop}, "with": {class: cStop}, "for": {class: cStop}, "into": {class: cStop},
	"across": {class: cStop}, "along": {class: cStop}, "near": {class: cStop}, "against": {class: cStop},
	"but": {class: cStop}, "who": {class: cStop}, "which": {class: cStop}, "that": {class: cStop},
	"whom": {class: cStop}, "whose": {class: cStop}, "will": {class: cStop}, "would": {class: cStop},
	"could": {class: cStop}, "should": {class: cStop}, "can": {class: cStop}, "might": {class: cStop},
	"must": {class: cStop}, "did": {class: cStop}, "do": {class: cStop}, "does": {class: cStop},
	"not": {class: cStop}, "per": {class: cStop}, "each": {class: cStop}, "this": {class: cStop},
	"these": {class: cStop}, "those": {class: cStop}, "his": {class: cStop}, "her": {class: cStop},
	"our": {class: cStop}, "they": {class: cStop}, "we": {class: cStop}, "he": {class: cStop},
	"she": {class: cStop}, "it": {class: cStop}, "there": {class: cStop}, "here": {class: cStop},
	"still": {class: cStop}, "only": {class: cStop}, "while": {class: cStop}, "when": {class: cStop},
	"where": {class: cStop}, "if": {class: cStop}, "so": {class: cStop}, "including": {class: cStop},
	"such": {class: cStop}, "out": {class: cStop}, "down": {class: cStop}, "off": {class: cStop},
	"back": {class: cStop}, "away": {class: cStop}, "most": {class: cStop}, "much": {class: cStop},
	"said": {class: cStop}, "says": {class: cStop}, "say": {class: cStop}, "told": {class: cStop},
	"remain": {class: cStop}, "remained": {class: cStop}, "fled": {class: cStop}, "crossed": {class: cStop},
	"monday": {class: cStop}, "tuesday": {class: cStop}, "wednesday": {class: cStop}, "thursday": {class: cStop},
	"friday": {class: cStop}, "saturday": {class: cStop}, "sunday": {class: cStop},
	"ago": {class: cStop}, "no": {class: cStop}, "any": {class: cStop}, "every": {class: cStop},
	"am": {class: cStop}, "pm": {class: cStop}, "gmt": {class: cStop}, "utc": {class: cStop},
	"people": {plural: true}, "men": {plural: true}, "women": {plural: true}, "children": {plural: true},
	"servicemen": {plural: true}, "policemen": {plural: true}, "militiamen": {plural: true},
	"gunmen": {plural: true}, "tribesmen": {plural: true}, "fishermen": {plural: true},
	"sheep": {plural: true}, "cattle": {plural: true}, "livestock": {plural: true},

	"strong": {class: cStop}, "via": {class: cStop}, "worth": {class: cStop}, "due": {class: cStop},
	"u": {class: cDrop}, "uk": {class: cDrop}, "un": {class: cDrop}, "then": {class: cStop}, "now": {class: cStop},
	"cent": {class: cStop},
}, ids)

// is reports whether w plays role c, as its main or second role.
func (w word) is(c class) bool { return w.class == c || w.also == c }
