package svg

import (
	"fmt"
	"math"
	"strconv"
	"testing"
)

// The oracle of these tests is published colour science, not the palette:
//
//   - Colour-vision deficiency is simulated with the matrices of Machado,
//     Oliveira and Fernandes, "A Physiologically-based Model for Simulation
//     of Color Vision Deficiency", IEEE TVCG 15(6), 2009, table at severity
//     1.0 (dichromacy), applied to linear sRGB.
//   - sRGB to CIELAB uses IEC 61966-2-1 (sRGB) and CIE 15 (D65 white).
//   - Contrast is WCAG 2.1's relative luminance and contrast ratio.
var machado2009 = map[string][3][3]float64{
	"protanopia": {
		{0.152286, 1.052583, -0.204868},
		{0.114503, 0.786281, 0.099216},
		{-0.003882, -0.048116, 1.051998},
	},
	"deuteranopia": {
		{0.367322, 0.860646, -0.227968},
		{0.280085, 0.672501, 0.047413},
		{-0.011820, 0.042940, 0.968881},
	},
	"tritanopia": {
		{1.255528, -0.076749, -0.178779},
		{-0.078411, 0.930809, 0.147602},
		{0.004733, 0.691367, 0.303900},
	},
}

func hexRGB(t *testing.T, h string) [3]float64 {
	t.Helper()
	if len(h) != 7 || h[0] != '#' {
		t.Fatalf("colour %q: want #rrggbb", h)
	}
	var c [3]float64
	for i := range 3 {
		v, err := strconv.ParseUint(h[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", h, err)
		}
		c[i] = float64(v) / 255
	}
	return c
}

func toLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func linearRGB(c [3]float64) [3]float64 {
	return [3]float64{toLinear(c[0]), toLinear(c[1]), toLinear(c[2])}
}

func simulate(m [3][3]float64, lin [3]float64) [3]float64 {
	var out [3]float64
	for i := range 3 {
		out[i] = math.Min(1, math.Max(0, m[i][0]*lin[0]+m[i][1]*lin[1]+m[i][2]*lin[2]))
	}
	return out
}

// lab converts linear sRGB to CIELAB (D65).
func lab(lin [3]float64) [3]float64 {
	x := 0.4124*lin[0] + 0.3576*lin[1] + 0.1805*lin[2]
	y := 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]
	z := 0.0193*lin[0] + 0.1192*lin[1] + 0.9505*lin[2]
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x/0.95047), f(y/1.0), f(z/1.08883)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

func deltaE(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

func luminance(lin [3]float64) float64 { return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2] }

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(linearRGB(hexRGB(t, a))), luminance(linearRGB(hexRGB(t, b)))
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestLevelScaleUnderColourBlindness checks that the five level colours keep
// their order of lightness and stay apart for people with each kind of
// dichromacy, as well as for everyone else.
func TestLevelScaleUnderColourBlindness(t *testing.T) {
	// 10 ΔE*ab is well above a just noticeable difference (about 2.3) and
	// keeps neighbouring levels tellable apart on a small badge.
	const minDeltaE = 10
	identity := [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	for _, name := range []string{"normal", "protanopia", "deuteranopia", "tritanopia"} {
		m, ok := machado2009[name]
		if !ok {
			m = identity
		}
		t.Run(name, func(t *testing.T) {
			var labs [5][3]float64
			for i, h := range LevelColors {
				labs[i] = lab(simulate(m, linearRGB(hexRGB(t, h))))
			}
			for i := 1; i < len(labs); i++ {
				if labs[i][0] <= labs[i-1][0] {
					t.Errorf("level %d (L* %.1f) is not lighter than level %d (L* %.1f)", i, labs[i][0], i-1, labs[i-1][0])
				}
			}
			for i := range labs {
				for j := i + 1; j < len(labs); j++ {
					if d := deltaE(labs[i], labs[j]); d < minDeltaE {
						t.Errorf("levels %d and %d differ by ΔE %.1f, want at least %d", i, j, d, minDeltaE)
					}
				}
			}
		})
	}
}

// TestLevelTextContrast checks the digit printed on each level colour
// against WCAG 2.1 AA for normal text (4.5:1).
func TestLevelTextContrast(t *testing.T) {
	for i := range LevelColors {
		if c := contrast(t, LevelColors[i], LevelText[i]); c < 4.5 {
			t.Errorf("level %d: text %s on %s has contrast %.2f, want 4.5", i, LevelText[i], LevelColors[i], c)
		}
	}
}

// TestOracleSanity makes sure the colour maths above is right on values
// published elsewhere, so that the palette tests can fail for the palette
// and not for a slip in the oracle.
func TestOracleSanity(t *testing.T) {
	// WCAG: black on white is 21:1.
	if c := contrast(t, "#000000", "#ffffff"); math.Abs(c-21) > 0.01 {
		t.Errorf("black on white: %.3f, want 21", c)
	}
	// CIELAB of sRGB red is about (53.24, 80.09, 67.20).
	if l := lab(linearRGB(hexRGB(t, "#ff0000"))); deltaE(l, [3]float64{53.24, 80.09, 67.20}) > 0.5 {
		t.Errorf("Lab of red: %v", l)
	}
	// Under protanopia pure red and a dark olive are nearly the same colour:
	// the simulation must collapse the red-green axis.
	red := lab(simulate(machado2009["protanopia"], linearRGB(hexRGB(t, "#ff0000"))))
	green := lab(simulate(machado2009["protanopia"], linearRGB(hexRGB(t, "#00ff00"))))
	if math.Abs(red[1]-green[1]) > 30 {
		t.Errorf("protanopia keeps red and green apart on a*: %s vs %s", fmt.Sprint(red), fmt.Sprint(green))
	}
	// The old scale of the dashboard was found (issue 20) to have exposed and
	// domestic as the closest pair under protanopia; a test that passed it
	// would be worthless.
	old := [5]string{"#a4161a", "#c75000", "#8a6d00", "#2f6f9f", "#1d6b35"}
	var prev float64
	ordered := true
	for i, h := range old {
		l := lab(simulate(machado2009["protanopia"], linearRGB(hexRGB(t, h))))[0]
		if i > 0 && l <= prev {
			ordered = false
		}
		prev = l
	}
	if ordered {
		t.Error("the old badge scale passes the lightness order under protanopia; the oracle is too weak")
	}
}
