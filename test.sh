#!/usr/bin/env bash
# Builds the module (out/PSBuildUpload) and runs every test suite: engine unit tests and the cmdlet tests that host
# PowerShell 7.6 in-process against the loopback sandbox. Needs only the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build PSBuildUpload.sln -c Release
dotnet test PSBuildUpload.sln -c Release --no-build --logger "console;verbosity=minimal"
