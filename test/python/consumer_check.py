"""Runs the README's Python example (app.py) against the wheel built by jsii-pacmak, in a fresh
virtualenv with aws-cdk-lib and constructs from PyPI, and checks the synthesized templates.

Usage: python consumer_check.py <path-to-wheel>
"""
import glob
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent


def main(wheel: str) -> int:
    work = pathlib.Path(tempfile.mkdtemp(prefix="scc-python-consumer-"))
    venv = work / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], check=True)

    shutil.copy(HERE / "app.py", work / "app.py")
    (work / "app").mkdir()
    (work / "app" / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/python:3.12-slim\n")
    out = work / "cdk.out"
    env = {**os.environ, "CDK_OUTDIR": str(out)}
    subprocess.run([python, "app.py"], cwd=work, env=env, check=True)

    templates = {}
    for path in glob.glob(str(out / "*.template.json")):
        templates[pathlib.Path(path).name] = json.loads(pathlib.Path(path).read_text())
    types = {}
    for name, template in templates.items():
        for resource in template.get("Resources", {}).values():
            types.setdefault(resource["Type"], []).append(name)

    failures = []
    checks = []

    def expect(condition: bool, message: str) -> None:
        checks.append(message)
        print(("ok   " if condition else "FAIL ") + message)
        if not condition:
            failures.append(message)

    expect(len(templates) == 2, f"two stacks (regional + us-east-1 edge): {sorted(templates)}")
    expect("AWS::CloudFront::Distribution" in types, "a CloudFront distribution")
    expect("AWS::WAFv2::WebACL" in types, "a WAF web ACL")
    expect("AWS::ECS::Service" in types, "a Fargate service")
    rules = [
        r for t in templates.values() for r in t["Resources"].values()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"
    ]
    expect(
        any(a.get("Type") == "authenticate-cognito" for r in rules for a in r["Properties"]["Actions"]),
        "an ALB listener rule with the Cognito authenticate action",
    )
    edge = [n for n, t in templates.items() if any(r["Type"] == "AWS::CloudFront::Distribution" for r in t["Resources"].values())]
    manifest = json.loads((out / "manifest.json").read_text())
    regions = {a["environment"].split("/")[-1] for a in manifest["artifacts"].values() if a["type"] == "aws:cloudformation:stack"}
    expect(regions == {"eu-west-1", "us-east-1"}, f"stacks in eu-west-1 and us-east-1: {sorted(regions)}")
    expect(len(edge) == 1, "the distribution is in exactly one stack")

    # The variant's options through jsii: a static factory with keyword arguments, and the
    # container struct.
    limits = [
        rule["Statement"]["RateBasedStatement"]["Limit"]
        for t in templates.values() for r in t["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"
        for rule in r["Properties"]["Rules"] if "RateBasedStatement" in rule["Statement"]
    ]
    expect(limits == [500], f"ChatbotIngress.cloud_front(rate_limit_per_ip=500) sets the web ACL's rate limit: {limits}")
    ports = [
        mapping["ContainerPort"]
        for t in templates.values() for r in t["Resources"].values() if r["Type"] == "AWS::ECS::TaskDefinition"
        for container in r["Properties"]["ContainerDefinitions"] for mapping in container["PortMappings"]
    ]
    expect(ports == [8501], f"the container listens on Streamlit's port by default: {ports}")

    # ChatbotImage.from_asset through jsii: the asset is built for the tasks' x86_64, and the
    # library's image check (which reads the asset's options) finds nothing to warn about.
    platforms = [
        image["source"].get("platform")
        for path in glob.glob(str(out / "*.assets.json"))
        for image in json.loads(pathlib.Path(path).read_text()).get("dockerImages", {}).values()
    ]
    expect(platforms == ["linux/amd64"], f"one image asset, built for linux/amd64: {platforms}")
    warnings = []
    for artifact in manifest["artifacts"].values():
        metadata = dict(artifact.get("metadata", {}))
        if artifact.get("additionalMetadataFile"):
            metadata.update(json.loads((out / artifact["additionalMetadataFile"]).read_text()))
        warnings += [e["data"] for entries in metadata.values() for e in entries if e["type"] == "aws:cdk:warning"]
    expect(warnings == [], f"no warning annotations: {warnings}")

    # A bad value from Python is refused with the prop's path as the user wrote it and the fix.
    shutil.copy(HERE / "bad_input.py", work / "bad_input.py")
    refused = subprocess.run([python, "bad_input.py"], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    expect(
        "REFUSED" in refused and "`container.writableDirectories`: lists /tmp more than once" in refused and "List each directory once." in refused,
        f"a repeated writable directory from Python is refused, naming container.writableDirectories and the fix: {refused.strip()[:300]}",
    )

    # ChatbotService alone: the container options it inherits, under the names `container` uses.
    shutil.copy(HERE / "service_alone.py", work / "service_alone.py")
    alone = subprocess.run([python, "service_alone.py"], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    cases = {case["case"]: case for case in map(json.loads, alone.strip().splitlines())}
    current = cases.get("current", {})
    expect(
        current.get("ports") == [7860] and current.get("user") == "1001:1001" and current.get("environment", {}).get("APP_MODE") == "production",
        f"ChatbotService(port=, user=, environment=) from Python reaches the container: {current}",
    )
    expect(cases.get("deprecated", {}).get("ports") == [7860], f"ChatbotService(container_port=7860), the 1.0 name, still works: {cases.get('deprecated')}")
    both = cases.get("both", {}).get("refused") or ""
    expect(
        "`containerPort`: is the old name of `port`, and both are given" in both,
        f"both names of the port are refused, naming them: {both[:300]}",
    )

    shutil.rmtree(work, ignore_errors=True)
    print(f"python consumer: {len(checks) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
