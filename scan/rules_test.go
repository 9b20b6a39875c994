package scan

import (
	"strconv"
	"strings"
	"testing"
)

func mustDefault(t testing.TB) *Rules {
	t.Helper()
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLoadRulesErrors checks that every mistake in a rules file is an error
// at the line and column of the entry, with what is wrong.
func TestLoadRulesErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // substrings of the error, positions included
	}{
		{"syntax", "version: 1\nrules: [\n", []string{"extra.yaml:3:1:"}},
		{"unknown key", "version: 1\nrulez: []\n", []string{"extra.yaml:2:1:", `unknown field "rulez"`, `did you mean "rules"`}},
		{"wrong version", "version: 2\n", []string{"extra.yaml:1:10:", "version: want 1"}},
		{"bad regexp", "version: 1\nrules:\n  - {id: x, service: openai, files: [python], match: 'a(b'}\n", []string{"extra.yaml:3:5:", "rule x:", "missing closing )"}},
		{"unknown service", "version: 1\nrules:\n  - id: x\n    service: opneai\n    files: [python]\n    match: 'foo\\('\n", []string{"extra.yaml:3:5:", `unknown service "opneai"`}},
		{"unknown kind", "version: 1\nrules:\n  - {id: x, service: openai, files: [pyhton], match: 'foo'}\n", []string{"extra.yaml:3:5:", `unknown kind of file "pyhton"`, `did you mean "python"`}},
		{"no files", "version: 1\nrules:\n  - {id: x, service: openai, match: 'foo'}\n", []string{"extra.yaml:3:5:", "files is required"}},
		{"empty match", "version: 1\nrules:\n  - {id: x, service: openai, files: [go], match: 'a*'}\n", []string{"extra.yaml:3:5:", "matches an empty line"}},
		{"unknown group", "version: 1\nrules:\n  - {id: x, service: openai, files: [go], match: '(?P<host>h)'}\n", []string{"extra.yaml:3:5:", `unknown group name "host"`}},
		{"switch service", "version: 1\nrules:\n  - id: x\n    service: openai\n    files: [go]\n    match: 'x\\('\n    switch:\n      - {if: 'y', service: nope}\n", []string{"extra.yaml:8:9:", `unknown service "nope"`}},
		{"service without provider", "version: 1\nservices:\n  - {id: acme-llm, name: Acme LLM}\n", []string{"extra.yaml:3:5:", "give its provider"}},
		{"bad region pattern", "version: 1\nservices:\n  - {id: acme-llm, name: Acme, provider: acme, region_patterns: ['region']}\n", []string{"extra.yaml:3:5:", "want exactly one group"}},
		{"bad data class", "version: 1\nservices:\n  - {id: acme-llm, name: Acme, provider: acme, data: [Personal Data]}\n", []string{"extra.yaml:3:5:", `data class "Personal Data"`}},
		{"duplicate rule", "version: 1\nrules:\n  - {id: x, service: openai, files: [go], match: 'a'}\n  - {id: x, service: openai, files: [go], match: 'b'}\n", []string{"extra.yaml:4:5:", "rule x is defined twice (first at extra.yaml:3:5)"}},
		{"wrong type", "version: 1\nrules:\n  - {id: x, service: openai, files: python, match: 'a'}\n", []string{"extra.yaml:3:37:", "files: expected a list"}},
		{"empty file", "", []string{"extra.yaml:1:1:", "empty rules file"}},
		// 101 aliases in "b: [*x, *x, ...": the last, at column 5 + 4 x 100.
		{"aliases", "version: 1\na: &x 1\nb: [" + strings.Repeat("*x, ", 101) + "]\n", []string{"extra.yaml:3:405: too many YAML aliases (more than 100 in a rules file)"}},
	}
	base := mustDefault(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadRules(base, "extra.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("accepted:\n%s", c.src)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestUserRulesExtend checks that an organization's rules add a service
// and a rule, and that an entry with an embedded id replaces it (here the
// data classes of OpenAI's flows).
func TestUserRulesExtend(t *testing.T) {
	src := `version: 1
services:
  - {id: openai, name: OpenAI API, provider: openai, data: [personal]}
  - {id: acme-gateway, name: Acme LLM gateway, provider: acme, data: [confidential]}
rules:
  - {id: acme-client, service: acme-gateway, files: [python], match: '\bAcmeLLM\('}
`
	r, err := LoadRules(mustDefault(t), "extra.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res := r.detect("python", "app.py", []byte("from acme import AcmeLLM\nllm = AcmeLLM(model='x')\nfrom openai import OpenAI\nc = OpenAI()\n"))
	got := map[string]int{}
	for _, f := range res.findings {
		got[f.Service] = f.Line
	}
	if got["acme-gateway"] != 2 || got["openai"] != 4 || len(got) != 2 {
		t.Errorf("findings %v, want acme-gateway at line 2 and openai at line 4", res.findings)
	}
	s, _ := r.Service("openai")
	if len(s.Data) != 1 || s.Data[0] != "personal" {
		t.Errorf("openai's data %v: the user's entry should replace the embedded one", s.Data)
	}
	if n := len(r.Services); n != len(mustDefault(t).Services)+1 {
		t.Errorf("%d services after adding one to the defaults", n)
	}
}

// TestNormalizeRegion checks the SDK constants against the region ids
// AWS publishes for them (docs.aws.amazon.com, "Regions and Zones").
func TestNormalizeRegion(t *testing.T) {
	for in, want := range map[string]string{
		"EU_CENTRAL_1": "eu-central-1", "US_EAST_1": "us-east-1", "AP_SOUTHEAST_2": "ap-southeast-2",
		"EUCentral1": "eu-central-1", "USEast1": "us-east-1", "APSoutheast2": "ap-southeast-2", "EUWest3": "eu-west-3",
		"europe-west4": "europe-west4", "SwedenCentral": "swedencentral",
	} {
		if got := normalizeRegion(in); got != want {
			t.Errorf("normalizeRegion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDetectCases pins behaviours the corpus relies on, one line each.
func TestDetectCases(t *testing.T) {
	r := mustDefault(t)
	cases := []struct {
		name, kind, src string
		want            []string // service@region:line
	}{
		{"comment", "python", "# c = OpenAI()\n", nil},
		{"string", "javascript", `log("new OpenAI() here")` + "\n", nil},
		{"block comment", "go", "/*\nopenai.NewClient()\n*/\n", nil},
		{"base url wins", "python", "c = OpenAI(\n  base_url='http://localhost:11434/v1')\n", []string{"ollama@:1"}},
		{"unknown endpoint", "python", "c = OpenAI(base_url=os.environ['URL'])\n", []string{"openai-compatible@:1"}},
		{"region in call", "python", "b = boto3.client('bedrock-runtime', region_name='eu-west-1')\n", []string{"bedrock@eu-west-1:1"}},
		{"two regions in file", "python", "s = boto3.client('s3', region_name='us-east-1')\nb = boto3.client('bedrock-runtime')\nx = boto3.Session(region_name='eu-west-1')\n", []string{"bedrock@:2"}},
		{"java constant", "java", "BedrockRuntimeClient.builder()\n  .region(Region.AP_NORTHEAST_1)\n  .build();\n", []string{"bedrock@ap-northeast-1:1"}},
		{"requires import", "python", "gust = Mistral(speed=3)\n", nil},
		{"config key", "env", "export ANTHROPIC_API_KEY=x\n", []string{"anthropic@:1"}},
		{"init_chat_model strings", "python", "from langchain.chat_models import init_chat_model\nDEFAULT = \"google_genai:gemini-2.5-flash\"\nllm = init_chat_model(model=DEFAULT)\n", []string{"gemini@:2"}},
		{"provider strings without init_chat_model", "python", "LABEL = \"openai:gpt-4o\"\n", nil},
		{"bare class only", "python", "from ollama import Client\nimport httpx\nh = httpx.Client()\nc = Client(host='http://gpu-box:11434')\n", []string{"ollama@:4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := r.detect(c.kind, "f", []byte(c.src))
			var got []string
			for _, f := range res.findings {
				got = append(got, f.Service+"@"+f.Region+":"+strconv.Itoa(f.Line))
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("found %v, want %v", got, c.want)
			}
		})
	}
}

// TestRequiredLiterals checks the prefilter against the regular
// expressions themselves: every match of a rule in the corpus contains
// one of the rule's literals, so skipping files without them loses nothing.
func TestRequiredLiterals(t *testing.T) {
	for src, want := range map[string]string{
		`\bnew\s+OpenAI\s*\(`:             "openai",
		`\b(?:Async)?AzureOpenAI\s*\(`:    "azureopenai",
		`\bOPENAI_API_KEY["']?\s*[:=]|^x`: "",
		`a|bcd`:                           "",
		`\bopenai\.(?:A|Bcde)\.create`:    "openai.",
	} {
		got := strings.Join(requiredLiterals(src), ",")
		if got != want {
			t.Errorf("requiredLiterals(%q) = %q, want %q", src, got, want)
		}
	}
	r := mustDefault(t)
	res, _ := scanCorpus(t)
	for _, f := range res.Findings {
		if f.Rule == "host" {
			continue
		}
		for _, ru := range r.Rules {
			if ru.ID == f.Rule && !containsAny(strings.ToLower(f.match), ru.lits) {
				t.Errorf("%s:%d: rule %s matched %q, which holds none of %v", f.File, f.Line, ru.ID, f.match, ru.lits)
			}
		}
	}
}
