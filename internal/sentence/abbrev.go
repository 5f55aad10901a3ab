package sentence

// abbrevKind says how an abbreviation that ends in a period behaves.
type abbrevKind uint8

const (
	_ abbrevKind = iota // not an abbreviation
	// neverEnds: titles, months and Latin phrases that are always followed
	// by more of the same sentence ("Gen. Smith", "Jan. 25", "e.g. X").
	neverEnds
	// endsBeforeStarter: abbreviations that can also close a sentence
	// ("in the U.S. The", "at 5 p.m. Police"); they end one only before a
	// word that typically starts a sentence.
	endsBeforeStarter
	// numberSign: "No." is an abbreviation only before a number.
	numberSign
)

// abbreviations are matched case-sensitively on the word before the final
// period, so "US." (a country at a sentence end) is not "U.S.".
var abbreviations = map[string]abbrevKind{
	"Mr": neverEnds, "Mrs": neverEnds, "Ms": neverEnds, "Messrs": neverEnds,
	"Dr": neverEnds, "Gen": neverEnds, "Lt": neverEnds, "Col": neverEnds,
	"Maj": neverEnds, "Capt": neverEnds, "Sgt": neverEnds, "Cpl": neverEnds,
	"Pvt": neverEnds, "Adm": neverEnds, "Cmdr": neverEnds, "Brig": neverEnds,
	"Sen": neverEnds, "Rep": neverEnds, "Gov": neverEnds, "Pres": neverEnds,
	"Prof": neverEnds, "Rev": neverEnds, "Hon": neverEnds, "Amb": neverEnds,
	"Sec": neverEnds, "Gens": neverEnds, "Sens": neverEnds, "Reps": neverEnds,
	"St": neverEnds, "Mt": neverEnds, "Ft": neverEnds,
	"Jan": neverEnds, "Feb": neverEnds, "Mar": neverEnds, "Apr": neverEnds,
	"Jun": neverEnds, "Jul": neverEnds, "Aug": neverEnds, "Sep": neverEnds,
	"Sept": neverEnds, "Oct": neverEnds, "Nov": neverEnds, "Dec": neverEnds,
	"vs": neverEnds, "v": neverEnds, "e.g": neverEnds, "i.e": neverEnds,
	"cf": neverEnds, "approx": neverEnds, "ca": neverEnds, "Nos": neverEnds,
	"Vol": neverEnds, "Art": neverEnds, "Fig": neverEnds, "pp": neverEnds,

	"U.S": endsBeforeStarter, "U.K": endsBeforeStarter, "U.N": endsBeforeStarter,
	"E.U": endsBeforeStarter, "U.S.A": endsBeforeStarter, "U.A.E": endsBeforeStarter,
	"etc": endsBeforeStarter, "Inc": endsBeforeStarter, "Ltd": endsBeforeStarter,
	"Co": endsBeforeStarter, "Corp": endsBeforeStarter, "Jr": endsBeforeStarter,
	"Sr": endsBeforeStarter, "a.m": endsBeforeStarter, "p.m": endsBeforeStarter,
	"A.M": endsBeforeStarter, "P.M": endsBeforeStarter, "Bros": endsBeforeStarter,
	"Dept": endsBeforeStarter, "Govt": endsBeforeStarter, "Assn": endsBeforeStarter,

	"No": numberSign,
}

func abbreviationKind(word string) abbrevKind {
	return abbreviations[word]
}

// sentenceStarters are capitalised words that commonly open an English
// sentence and rarely follow "U.S." or "p.m." inside one.
var sentenceStarters = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true,
	"They": true, "We": true, "I": true, "You": true, "This": true, "That": true,
	"These": true, "Those": true, "There": true, "His": true, "Her": true,
	"Its": true, "Their": true, "Our": true, "But": true, "And": true,
	"Or": true, "So": true, "Yet": true, "In": true, "On": true, "At": true,
	"By": true, "For": true, "From": true, "With": true, "After": true,
	"Before": true, "During": true, "When": true, "While": true, "If": true,
	"As": true, "Although": true, "Though": true, "However": true,
	"Meanwhile": true, "Earlier": true, "Later": true, "Then": true,
	"Also": true, "According": true, "Some": true, "Many": true, "Most": true,
	"All": true, "Both": true, "Several": true, "Other": true, "One": true,
	"Two": true, "No": true, "Not": true, "Officials": true, "Police": true,
	"Last": true, "Next": true, "Since": true, "Still": true, "Now": true,
	"Today": true, "Yesterday": true, "What": true, "Who": true, "Why": true,
	"How": true, "Where": true, "Such": true, "Under": true, "Despite": true,
}

func isSentenceStarter(word string) bool {
	return sentenceStarters[word]
}
