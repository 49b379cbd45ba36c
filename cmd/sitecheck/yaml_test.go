package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestYAMLShortForms(t *testing.T) {
	tests := []struct {
		name, yaml, json string
	}{
		{"Ref", `!Ref Api`, `{"Ref": "Api"}`},
		{"Ref to a pseudo parameter", `!Ref "AWS::Region"`, `{"Ref": "AWS::Region"}`},
		{"Ref that looks like a number", `!Ref 123`, `{"Ref": "123"}`},
		{"Condition", `!Condition IsProd`, `{"Condition": "IsProd"}`},
		{"GetAtt dotted", `!GetAtt Api.RootResourceId`, `{"Fn::GetAtt": ["Api", "RootResourceId"]}`},
		{"GetAtt attribute with a dot", `!GetAtt Db.Endpoint.Address`, `{"Fn::GetAtt": ["Db", "Endpoint.Address"]}`},
		{"GetAtt list", `!GetAtt [Api, RootResourceId]`, `{"Fn::GetAtt": ["Api", "RootResourceId"]}`},
		{"Sub string", `!Sub "${Api}.execute-api.${AWS::Region}.amazonaws.com"`, `{"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}`},
		{"Sub with variables", "!Sub\n  - 'https://${Host}/'\n  - Host: !GetAtt D.DomainName", `{"Fn::Sub": ["https://${Host}/", {"Host": {"Fn::GetAtt": ["D", "DomainName"]}}]}`},
		{"Join nested", `!Join [".", [!Ref Api, execute-api, !Ref "AWS::Region", amazonaws.com]]`, `{"Fn::Join": [".", [{"Ref": "Api"}, "execute-api", {"Ref": "AWS::Region"}, "amazonaws.com"]]}`},
		{"Select with GetAZs", `!Select [0, !GetAZs ""]`, `{"Fn::Select": [0, {"Fn::GetAZs": ""}]}`},
		{"Split", `!Split [",", !ImportValue shared-list]`, `{"Fn::Split": [",", {"Fn::ImportValue": "shared-list"}]}`},
		{"ImportValue of a Sub", `!ImportValue {"Fn::Sub": "${Env}-api"}`, `{"Fn::ImportValue": {"Fn::Sub": "${Env}-api"}}`},
		{"If", `!If [IsProd, /prod, !Ref "AWS::NoValue"]`, `{"Fn::If": ["IsProd", "/prod", {"Ref": "AWS::NoValue"}]}`},
		{"Equals, Not, And, Or", `!And [!Not [!Equals [!Ref Env, dev]], !Or [!Condition A, !Condition B]]`,
			`{"Fn::And": [{"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "dev"]}]}, {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}]}`},
		{"FindInMap", `!FindInMap [Stages, !Ref Env, Name]`, `{"Fn::FindInMap": ["Stages", {"Ref": "Env"}, "Name"]}`},
		{"Base64", `!Base64 "#!/bin/sh"`, `{"Fn::Base64": "#!/bin/sh"}`},
		{"Cidr", `!Cidr [!GetAtt Vpc.CidrBlock, 6, 8]`, `{"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 6, 8]}`},
		{"GetAZs of a region", `!GetAZs eu-west-1`, `{"Fn::GetAZs": "eu-west-1"}`},
		{"long form stays", `{"Fn::GetAtt": [A, B]}`, `{"Fn::GetAtt": ["A", "B"]}`},
		{"plain scalars", `{n: 30, f: 1.5, t: true, "null": null, s: "30", date: 2010-09-09, header: "'*'"}`,
			`{"n": 30, "f": 1.5, "t": true, "null": null, "s": "30", "date": "2010-09-09", "header": "'*'"}`},
		{"anchor and alias", "a: &m {Ref: X}\nb: *m", `{"a": {"Ref": "X"}, "b": {"Ref": "X"}}`},
		{"tag in a mapping", "Origins:\n  - DomainName: !GetAtt Bucket.RegionalDomainName\n    OriginPath: !Sub /${Stage}",
			`{"Origins": [{"DomainName": {"Fn::GetAtt": ["Bucket", "RegionalDomainName"]}, "OriginPath": {"Fn::Sub": "/${Stage}"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := yamlToJSON([]byte(tt.yaml))
			require.NoError(t, err)
			require.JSONEq(t, tt.json, string(got))
		})
	}
}

func TestYAMLErrors(t *testing.T) {
	tests := []struct {
		name, yaml, err string
	}{
		{"unknown tag", "A:\n  B: !Reff X", "line 2: unknown tag !Reff"},
		{"GetAtt without attribute", "A: !GetAtt Bucket", "line 1: !GetAtt Bucket: write it as !GetAtt Resource.Attribute"},
		{"duplicate key", "A: 1\nA: 2", `key "A" appears twice`},
		{"syntax", "A: [1, 2", "yaml: "},
		{"empty", "", "the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := yamlToJSON([]byte(tt.yaml))
			require.ErrorContains(t, err, tt.err)
		})
	}
}

// The field note's YAML and its JSON twin say the same thing.
func TestYAMLTemplateConverts(t *testing.T) {
	got, err := readTemplateFile("testdata/fieldnote.yaml")
	require.NoError(t, err)
	var tmpl struct {
		AWSTemplateFormatVersion string
		Resources                map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(got, &tmpl))
	require.Equal(t, "2010-09-09", tmpl.AWSTemplateFormatVersion)
	origin := tmpl.Resources["Distribution"].Properties["DistributionConfig"].(map[string]any)["Origins"].([]any)[1]
	require.Equal(t, map[string]any{"Fn::Join": []any{".", []any{map[string]any{"Ref": "Api"}, "execute-api", map[string]any{"Ref": "AWS::Region"}, "amazonaws.com"}}},
		origin.(map[string]any)["DomainName"])
}
