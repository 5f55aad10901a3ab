package text

import (
	"unicode"
	"unicode/utf8"
)

// langSample is how much of a text the language detector reads: enough
// words for the stop-word counts to settle, little enough to stay cheap.
const langSample = 2048

// Languages the stop-word scorer tells apart, as bits of a langSet.
const (
	langEN = iota
	langFR
	langDE
	langES
	langTR
	langUZ
	langRU
	langTG
	langAR
	langFA
	langPS
	numLangs
)

var langCodes = [numLangs]string{"en", "fr", "de", "es", "tr", "uz", "ru", "tg", "ar", "fa", "ps"}

type langSet uint16

// scripts counted by the detector.
const (
	scriptOther = iota
	scriptLatin
	scriptCyrillic
	scriptArabic
	scriptHan
	scriptKana
	scriptHangul
	scriptGreek
	scriptHebrew
	scriptDevanagari
	scriptThai
	scriptArmenian
	scriptGeorgian
	numScripts
)

// scriptOnlyLangs are scripts that name their language on their own.
var scriptOnlyLangs = [numScripts]string{
	scriptHan: "zh", scriptKana: "ja", scriptHangul: "ko", scriptGreek: "el", scriptHebrew: "he",
	scriptDevanagari: "hi", scriptThai: "th", scriptArmenian: "hy", scriptGeorgian: "ka",
}

// Thresholds for an answer: fewer letters than minLetters is too short to
// tell; the winner needs minScore points and a clear lead over the next.
const (
	minLetters = 10
	minScore   = 2
)

// Language guesses the ISO 639-1 code of text from its first 2 KB: the
// dominant script, then stop words and letters peculiar to each language
// of that script (en, fr, de, es, tr, uz; ru, tg, uz; ar, fa, ps). Dari is
// reported as "fa". It returns "" for short or unclear text.
func Language(text string) string {
	if len(text) > langSample {
		cut := langSample
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	var scriptCount [numScripts]int
	var score [numLangs]float32
	letters := 0
	var word [64]byte
	wordLen := 0
	flush := func() {
		if wordLen > 0 && wordLen <= len(word) && stopShape[word[0]]&(1<<(wordLen-1)) != 0 {
			if set, ok := stopWords[string(word[:wordLen])]; ok {
				for l := range numLangs {
					if set&(1<<l) != 0 {
						score[l]++
					}
				}
			}
		}
		wordLen = 0
	}
	prevLetter := rune(0)
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				letters++
				scriptCount[scriptLatin]++
				if wordLen < len(word) {
					word[wordLen] = c | 0x20
				}
				wordLen++
				prevLetter = rune(c | 0x20)
				continue
			}
			if c == '\'' && (prevLetter == 'o' || prevLetter == 'g') && wordLen > 0 {
				// Uzbek oʻ and gʻ typed with an ASCII apostrophe.
				if i < len(text) && isASCIILetter(text[i]) {
					score[langUZ] += 0.5
				}
				if wordLen < len(word) {
					word[wordLen] = '\''
				}
				wordLen++
				continue
			}
			flush()
			prevLetter = 0
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == 'ʻ' || r == '‘' || r == '’' {
			if (prevLetter == 'o' || prevLetter == 'g') && wordLen > 0 {
				score[langUZ] += 2
				if wordLen+1 < len(word) {
					word[wordLen] = '\'' // one spelling for the stop-word table
				}
				wordLen++
				continue
			}
			flush()
			prevLetter = 0
			continue
		}
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			flush()
			prevLetter = 0
			continue
		}
		letters++
		scriptCount[scriptOf(r)]++
		r = unicode.ToLower(r)
		addLetterScore(&score, r)
		if wordLen+utf8.RuneLen(r) <= len(word) {
			utf8.EncodeRune(word[wordLen:], r)
			wordLen += utf8.RuneLen(r)
		} else {
			wordLen = len(word) + 1 // too long to be a stop word
		}
		prevLetter = r
	}
	flush()
	if letters < minLetters {
		return ""
	}
	dominant := scriptOther
	for s := range scriptCount {
		if scriptCount[s] > scriptCount[dominant] {
			dominant = s
		}
	}
	switch dominant {
	case scriptHan:
		if scriptCount[scriptKana]*10 > scriptCount[scriptHan] {
			return "ja" // Japanese mixes kana into its kanji
		}
		return "zh"
	case scriptLatin:
		return pick(&score, langEN, langFR, langDE, langES, langTR, langUZ)
	case scriptCyrillic:
		return pick(&score, langRU, langTG, langUZ)
	case scriptArabic:
		return pick(&score, langAR, langFA, langPS)
	}
	return scriptOnlyLangs[dominant]
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// pick returns the best-scoring candidate when it has enough points and
// leads the runner-up clearly, else "".
func pick(score *[numLangs]float32, candidates ...int) string {
	best, second := -1, -1
	for _, l := range candidates {
		switch {
		case best < 0 || score[l] > score[best]:
			best, second = l, best
		case second < 0 || score[l] > score[second]:
			second = l
		}
	}
	if score[best] < minScore || second >= 0 && score[best] < score[second]*1.25 {
		return ""
	}
	return langCodes[best]
}

func scriptOf(r rune) int {
	switch {
	case r < 0x250 || r >= 0x1e00 && r < 0x1f00:
		return scriptLatin
	case r >= 0x400 && r < 0x530:
		return scriptCyrillic
	case r >= 0x600 && r < 0x700 || r >= 0x750 && r < 0x780 || r >= 0xfb50 && r < 0xfe00 || r >= 0xfe70 && r < 0xff00:
		return scriptArabic
	case r >= 0x370 && r < 0x400:
		return scriptGreek
	case r >= 0x590 && r < 0x600:
		return scriptHebrew
	case r >= 0x530 && r < 0x590:
		return scriptArmenian
	case r >= 0x900 && r < 0x980:
		return scriptDevanagari
	case r >= 0xe00 && r < 0xe80:
		return scriptThai
	case r >= 0x10a0 && r < 0x1100:
		return scriptGeorgian
	case r >= 0x1100 && r < 0x1200 || r >= 0xac00 && r < 0xd7b0 || r >= 0x3130 && r < 0x3190:
		return scriptHangul
	case r >= 0x3040 && r < 0x3100:
		return scriptKana
	case unicode.Is(unicode.Han, r):
		return scriptHan
	}
	return scriptOther
}

// addLetterScore adds the points of letters that only some languages of
// a script use. Lower case only.
func addLetterScore(score *[numLangs]float32, r rune) {
	switch r {
	// Latin
	case 'ı', 'ğ', 'ş':
		score[langTR] += 1
	case 'ß', 'ä':
		score[langDE] += 0.5
	case 'ö', 'ü':
		score[langDE] += 0.25
		score[langTR] += 0.25
	case 'è', 'ê', 'à', 'ù', 'œ', 'â', 'î', 'ô', 'û', 'ë', 'ï':
		score[langFR] += 0.5
	case 'ç':
		score[langFR] += 0.25
		score[langTR] += 0.25
	case 'é':
		score[langFR] += 0.25
		score[langES] += 0.25
	case 'ñ', '¿', '¡':
		score[langES] += 1
	case 'á', 'í', 'ó', 'ú':
		score[langES] += 0.25
	// Cyrillic: Tajik ҷ ӣ ӯ; Uzbek ў; both use ғ қ ҳ; Russian ы щ ц, which
	// neither Tajik nor native Uzbek words use.
	case 'ҷ', 'ӣ', 'ӯ':
		score[langTG] += 2
	case 'ў':
		score[langUZ] += 2
	case 'ғ', 'қ', 'ҳ':
		score[langTG] += 0.5
		score[langUZ] += 0.5
	case 'ы', 'щ', 'ц':
		score[langRU] += 0.25
	// Arabic script: Pashto's own letters; Persian پ چ ژ گ and its ی ک
	// forms; Arabic ي ك ة.
	case 'ټ', 'ډ', 'ړ', 'ښ', 'ږ', 'ګ', 'ځ', 'څ', 'ڼ', 'ې', 'ۍ':
		score[langPS] += 2
	case 'پ', 'چ', 'ژ', 'گ':
		score[langFA] += 0.5
		score[langPS] += 0.25
	case 'ی', 'ک':
		score[langFA] += 0.1
		score[langPS] += 0.1
	case 'ي', 'ك', 'ة':
		score[langAR] += 0.25
	}
}

// stopWords maps frequent function words to the languages that use them.
var stopWords = buildStopWords(map[int][]string{
	langEN: {"the", "of", "and", "to", "in", "is", "that", "for", "was", "on", "with", "as", "it", "by",
		"are", "has", "have", "be", "from", "at", "this", "said", "were", "not", "but", "an", "they",
		"which", "will", "he", "his", "their", "its", "been", "who", "had", "would", "after"},
	langFR: {"le", "la", "les", "des", "et", "est", "une", "du", "que", "qui", "dans", "pour", "pas",
		"sur", "au", "avec", "il", "elle", "ont", "sont", "par", "ce", "cette", "aux", "mais", "ses",
		"leur", "été", "plus", "un", "en", "de", "a"},
	langDE: {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "ein", "eine", "auf",
		"sich", "dem", "des", "im", "auch", "wird", "sind", "wurde", "es", "für", "bei", "nach", "aus",
		"wie", "hat", "dass", "oder", "aber", "noch"},
	langES: {"el", "la", "los", "las", "de", "y", "que", "en", "un", "una", "por", "con", "para", "es",
		"del", "se", "no", "al", "lo", "como", "más", "pero", "sus", "su", "fue", "ha", "han", "sobre",
		"este", "esta", "entre"},
	langTR: {"ve", "bir", "bu", "için", "ile", "olarak", "çok", "daha", "ama", "gibi", "olan", "değil",
		"kadar", "sonra", "ancak", "göre", "şu", "ne", "her", "ki", "da", "de", "mi", "olduğu"},
	langUZ: {"va", "bilan", "uchun", "bu", "ham", "edi", "deb", "esa", "emas", "bo'lgan", "qilib",
		"haqida", "orqali", "ular", "bir", "mumkin", "kerak", "lekin", "hamda", "tomonidan", "bo'yicha",
		"qildi", "etdi", "yilda", "o'z", "bo'ldi",
		"ва", "билан", "учун", "бу", "ҳам", "эди", "деб", "эса", "эмас", "бўлган", "қилиб", "ҳақида",
		"орқали", "улар", "бир", "мумкин", "керак", "лекин", "ҳамда", "томонидан", "бўйича"},
	langRU: {"и", "в", "не", "на", "что", "с", "по", "это", "как", "из", "для", "он", "к", "о", "а", "но",
		"от", "за", "же", "то", "его", "она", "так", "все", "уже", "был", "была", "были", "также", "при",
		"до", "об", "который", "которые", "после"},
	langTG: {"ва", "дар", "аз", "бо", "ки", "ин", "он", "барои", "мебошад", "шуд", "буд", "аст", "онҳо",
		"мо", "шуда", "низ", "то", "ҳам", "бояд", "кард", "мекунад", "гуфт", "вай", "хеле", "намуд"},
	langAR: {"في", "من", "على", "إلى", "أن", "عن", "التي", "الذي", "مع", "هذا", "هذه", "كان", "قد", "لا",
		"ما", "ذلك", "بين", "كما", "عند", "وقد", "وفي", "إن", "أو"},
	langFA: {"و", "در", "به", "از", "که", "این", "را", "با", "است", "برای", "آن", "یک", "شد", "می",
		"ها", "هم", "نیز", "خود", "تا", "بود", "شده", "اند", "کرد", "کند", "وی", "نمی", "بر"},
	langPS: {"د", "په", "او", "چې", "له", "سره", "دا", "کې", "ته", "هم", "دی", "شوي", "وو", "دې", "یو",
		"نه", "ورته", "کړي", "خو", "پر", "یې", "وايي"},
})

// stopShape has bit n-1 of entry b set when a stop word of n bytes starts
// with byte b: most words of a text skip the map.
var stopShape = func() (t [256]uint64) {
	for w := range stopWords {
		if n := len(w); n > 0 && n <= 64 {
			t[w[0]] |= 1 << (n - 1)
		}
	}
	return t
}()

func buildStopWords(lists map[int][]string) map[string]langSet {
	m := make(map[string]langSet)
	for l, words := range lists {
		for _, w := range words {
			m[w] |= 1 << l
		}
	}
	return m
}
