package event

import "testing"

// isPronounSpeaker reads the first word of a speaker's name, whatever its
// case and the spaces before it.
func TestIsPronounSpeaker(t *testing.T) {
	for name, want := range map[string]bool{
		"It": true, "  they": true, "He told": true, "THIS week": true, "There": true, "we\u00a0all": true,
		"Its ministry": false, "Their officials": false, "Taliban": false, "": false, " ": false,
		"Hezbollah fighters": false, "Он": false, "Ithaca": false, "Shekhar": false,
	} {
		if got := isPronounSpeaker(name); got != want {
			t.Errorf("isPronounSpeaker(%q) = %v, want %v", name, got, want)
		}
	}
}
