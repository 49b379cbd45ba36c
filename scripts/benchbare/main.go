// Command benchbare is the baseline of scripts/bench.sh: a bare CDK app with
// one empty stack, synthesized. The app's own synth is compared with it.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	awscdk.NewStack(app, jsii.String("Empty"), nil)
	app.Synth(nil)
}
