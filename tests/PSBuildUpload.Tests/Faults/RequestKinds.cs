using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using PSBuildUpload.Sandbox.Bitrise;
using PSBuildUpload.Tests.Bitrise;
using PSBuildUpload.Tests.Infrastructure;
using PSBuildUpload.Tests.ProductScience;
using Xunit;

namespace PSBuildUpload.Tests.Faults;

/// <summary>One run of a kind of request: the script, the request the fault targets, and how to check the result.</summary>
internal sealed class KindRun
{
    public required string Script { get; init; }

    /// <summary>A regular expression of the path of the targeted request (its method is the kind's).</summary>
    public required string TargetPath { get; init; }

    /// <summary>
    /// For a refused connection: the request (method and path pattern) after which the relay refuses, so that the
    /// one after it is refused; null when the targeted request is the first of the command on its host (the relay
    /// then refuses from the start).
    /// </summary>
    public (string Method, string Path)? RefuseAfter { get; init; }

    /// <summary>Checks, after success, that the server holds what was sent.</summary>
    public required Action<PsResult> Verify { get; init; }

    /// <summary>Checks, after a failure, what must not be left behind (a partial file).</summary>
    public Action<PsResult>? VerifyFailed { get; init; }

    /// <summary>How many resources of the kind the run created (null when the kind creates nothing).</summary>
    public Func<int>? Created { get; init; }
}

/// <summary>A column of the matrix: a kind of request and the cmdlet that makes it.</summary>
internal abstract class RequestKind
{
    public abstract string Name { get; }

    /// <summary>The service part of the ErrorIds.</summary>
    public abstract string Service { get; }

    /// <summary>The method of the targeted request.</summary>
    public abstract string Method { get; }

    /// <summary>How many requests matching the target pass before the fault (a later page, a later poll).</summary>
    public virtual int Skip => 0;

    /// <summary>The target is on the presigned storage's host (its own relay), not on the API's.</summary>
    public virtual bool OnStorage => false;

    /// <summary>Where "reset in the upload body" cuts the request body.</summary>
    public virtual long BodyCutAt => 16;

    /// <summary>Where "reset in the download body" cuts the answer.</summary>
    public virtual long AnswerCutAt => 8;

    /// <summary>The cmdlet emits as the answers arrive (a list, a log): a failure may follow some output.</summary>
    public virtual bool Streams => false;

    public abstract KindRun Prepare(FaultMatrixFixture fixture, string id);

    protected static string Q(string path) => TestFiles.Quote(path);
}

internal static class RequestKinds
{
    public static readonly IReadOnlyDictionary<string, RequestKind> All = new RequestKind[]
    {
        new Read(), new AppGet(), new Context(), new Trigger(), new Submit(), new Patch(), new Delete(), new Abort(), new Put(), new Multipart(), new Download(), new List(), new Follow(), new Wait(),
    }.ToDictionary(k => k.Name, StringComparer.Ordinal);

    private static string Text(PSObject item) => (string)item.BaseObject;

    /// <summary>JSON read: Get-BitriseApp -AppSlug (GET /v0.1/apps/{slug}).</summary>
    private sealed class Read : RequestKind
    {
        public override string Name => "read";

        public override string Service => "Bitrise";

        public override string Method => "GET";

        public override KindRun Prepare(FaultMatrixFixture f, string id) => new()
        {
            Script = $"Get-BitriseApp -AppSlug {f.App.Slug}",
            TargetPath = $"^/v0.1/apps/{f.App.Slug}$",
            Verify = r =>
            {
                var app = Assert.Single(r.Output);
                Assert.Equal(f.App.Slug, app.P<string>("AppSlug"));
                Assert.Equal(f.App.Title, app.P<string>("Title"));
            },
        };
    }

    /// <summary>JSON read of Applivery's envelope: Get-AppliveryBuild -BuildId (GET …/builds/{id}).</summary>
    private sealed class AppGet : RequestKind
    {
        public override string Name => "appget";

        public override string Service => "Applivery";

        public override string Method => "GET";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var build = f.Sandbox.Applivery.AddBuild("fault-" + id);
            return new KindRun
            {
                Script = $"Get-AppliveryBuild -BuildId {build.Id}",
                TargetPath = $"^/v1/integrations/builds/{build.Id}$",
                Verify = r =>
                {
                    var got = Assert.Single(r.Output);
                    Assert.Equal(build.Id, got.P<string>("Id"));
                    Assert.Equal("fault-" + id, got.P<string>("VersionName"));
                },
            };
        }
    }

    /// <summary>JSON create without a body: New-UploadContext (POST …/build-uploads).</summary>
    private sealed class Context : RequestKind
    {
        public override string Name => "context";

        public override string Service => "ProductScience";

        public override string Method => "POST";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var contexts = f.Sandbox.ProductScience.Contexts;
            var before = contexts.Keys.ToHashSet();
            return new KindRun
            {
                Script = "New-UploadContext -Project demo",
                TargetPath = "^/api/v1/projects/demo/build-uploads$",
                Created = () => contexts.Keys.Count(k => !before.Contains(k)),
                Verify = r =>
                {
                    var context = Assert.Single(r.Output);
                    Assert.Equal("demo", contexts[context.P<long>("Id")].Project);
                },
            };
        }
    }

    /// <summary>JSON create: Start-BitriseBuild (POST /v0.1/apps/{slug}/builds).</summary>
    private sealed class Trigger : RequestKind
    {
        public override string Name => "trigger";

        public override string Service => "Bitrise";

        public override string Method => "POST";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var app = f.TriggerApp.Slug;
            var branch = "fault-" + id;
            SbBuild[] Triggered() => f.Sandbox.Bitrise.BuildsOf(app).Where(b => b.Branch == branch).ToArray();
            return new KindRun
            {
                Script = $"Start-BitriseBuild -AppSlug {app} -Branch {branch} -Workflow deploy",
                TargetPath = $"^/v0.1/apps/{app}/builds$",
                Created = () => Triggered().Length,
                Verify = r =>
                {
                    var build = Assert.Single(Triggered());
                    Assert.Equal(build.Slug, Assert.Single(r.Output).P<string>("BuildSlug"));
                    Assert.Equal("deploy", build.TriggeredWorkflow);
                },
            };
        }
    }

    /// <summary>JSON create: Submit-Build (POST …/builds).</summary>
    private sealed class Submit : RequestKind
    {
        public override string Name => "submit";

        public override string Service => "ProductScience";

        public override string Method => "POST";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var context = f.RunClean("New-UploadContext -Project demo").P<long>("Id");
            var name = $"fault-{id}.apk";
            var builds = f.Sandbox.ProductScience.Builds;
            return new KindRun
            {
                Script = $"Submit-Build -Project demo -ContextId {context} -Path {Q(f.SmallApk)} -BuildType APK -BuildFileName {name} -NoCiMetadata",
                TargetPath = "^/api/v1/projects/demo/builds$",
                Created = () => builds.Values.Count(b => b.ContextId == context),
                Verify = r =>
                {
                    var build = builds[Assert.Single(r.Output).P<long>("BuildId")];
                    Assert.Equal(name, build.BuildFileName);
                    Assert.Equal(context, build.ContextId);
                },
            };
        }
    }

    /// <summary>JSON change: Set-BitriseArtifact (PATCH, after a GET of the artifact).</summary>
    private sealed class Patch : RequestKind
    {
        public override string Name => "patch";

        public override string Service => "Bitrise";

        public override string Method => "PATCH";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var artifact = f.Sandbox.Bitrise.AddArtifact(f.Build, $"app-{id}.apk", Encoding.UTF8.GetBytes("apk " + id), "android-apk");
            var path = $"^/v0.1/apps/{f.App.Slug}/builds/{f.Build.Slug}/artifacts/{artifact.Slug}$";
            return new KindRun
            {
                Script = $"Set-BitriseArtifact -AppSlug {f.App.Slug} -BuildSlug {f.Build.Slug} -ArtifactSlug {artifact.Slug} -PublicPageEnabled $true",
                TargetPath = path,
                RefuseAfter = ("GET", path),
                Verify = r =>
                {
                    Assert.True(artifact.IsPublicPageEnabled);
                    Assert.True(Assert.Single(r.Output).P<bool>("IsPublicPageEnabled"));
                },
            };
        }
    }

    /// <summary>JSON change: Remove-BitriseArtifact (DELETE).</summary>
    private sealed class Delete : RequestKind
    {
        public override string Name => "delete";

        public override string Service => "Bitrise";

        public override string Method => "DELETE";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var artifact = f.Sandbox.Bitrise.AddArtifact(f.Build, $"report-{id}.txt", Encoding.UTF8.GetBytes("report " + id));
            return new KindRun
            {
                Script = $"Remove-BitriseArtifact -AppSlug {f.App.Slug} -BuildSlug {f.Build.Slug} -ArtifactSlug {artifact.Slug} -Confirm:$false",
                TargetPath = $"^/v0.1/apps/{f.App.Slug}/builds/{f.Build.Slug}/artifacts/{artifact.Slug}$",
                Verify = r =>
                {
                    Assert.Empty(r.Output);
                    lock (f.Build)
                    {
                        Assert.DoesNotContain(artifact, f.Build.Artifacts);
                    }
                },
            };
        }
    }

    /// <summary>JSON change: Stop-BitriseBuild (POST …/abort).</summary>
    private sealed class Abort : RequestKind
    {
        public override string Name => "abort";

        public override string Service => "Bitrise";

        public override string Method => "POST";

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var build = BitriseTestSupport.Running(f.Sandbox, f.App.Slug);
            return new KindRun
            {
                Script = $"Stop-BitriseBuild -AppSlug {f.App.Slug} -BuildSlug {build.Slug} -Reason fault-{id}",
                TargetPath = $"^/v0.1/apps/{f.App.Slug}/builds/{build.Slug}/abort$",
                Verify = r =>
                {
                    Assert.Empty(r.Output);
                    Assert.Equal(3, build.Status);
                    Assert.EndsWith("reason: fault-" + id, build.AbortReason, StringComparison.Ordinal);
                },
            };
        }
    }

    /// <summary>Presigned PUT upload: Send-BuildFile.</summary>
    private sealed class Put : RequestKind
    {
        public override string Name => "put";

        public override string Service => "ProductScience";

        public override string Method => "PUT";

        public override bool OnStorage => true;

        public override long BodyCutAt => 256 * 1024;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var submitted = f.RunClean($"New-UploadContext -Project demo | Submit-Build -Path {Q(f.SmallApk)} -BuildType APK -BuildFileName put-{id}.apk -NoCiMetadata");
            f.Session.Set("FaultSubmitted", submitted);
            var build = f.Sandbox.ProductScience.Builds[submitted.P<long>("BuildId")];
            return new KindRun
            {
                Script = "$FaultSubmitted | Send-BuildFile",
                TargetPath = $"^/storage/productscience/demo/{build.Id}/",
                Verify = r =>
                {
                    var sha = TestFiles.Sha256(f.SmallApk);
                    Assert.Equal(sha, Assert.Single(r.Output).P<string>("Sha256"));
                    var stored = f.Sandbox.Storage.Get(build.StorageKey);
                    Assert.True(stored is not null, "The storage holds nothing under " + build.StorageKey);
                    Assert.Equal(sha, stored!.Sha256);
                    Assert.Equal(1, f.Sandbox.Storage.UploadCount(build.StorageKey));
                    Assert.Equal("FINISHED", build.UploadState);
                },
            };
        }
    }

    /// <summary>Multipart upload: Publish-AppliveryBuild (Integrations API).</summary>
    private sealed class Multipart : RequestKind
    {
        public override string Name => "multipart";

        public override string Service => "Applivery";

        public override string Method => "POST";

        public override long BodyCutAt => 256 * 1024;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var version = "fault-" + id;
            var builds = f.Sandbox.Applivery.Builds;
            return new KindRun
            {
                Script = $"Publish-AppliveryBuild -Path {Q(f.LargeApk)} -VersionName {version} -NoCiMetadata",
                TargetPath = "^/v1/integrations/builds$",
                Created = () => builds.Values.Count(b => b.VersionName == version),
                Verify = r =>
                {
                    var build = Assert.Single(builds.Values, b => b.VersionName == version);
                    Assert.Equal(build.Id, Assert.Single(r.Output).P<string>("Id"));
                    Assert.Equal(f.LargeApkSha256, build.Upload!.Build!.Sha256);
                },
            };
        }
    }

    /// <summary>Streamed download: Save-BitriseArtifact (the expiring GET on the storage).</summary>
    private sealed class Download : RequestKind
    {
        public override string Name => "download";

        public override string Service => "Bitrise";

        public override string Method => "GET";

        public override bool OnStorage => true;

        public override long AnswerCutAt => 200_000;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var artifact = f.Sandbox.Bitrise.AddGeneratedArtifact(f.Build, $"download-{id}.bin", 600_000, seed: 3);
            var folder = Directory.CreateTempSubdirectory("psbu-faults-").FullName;
            return new KindRun
            {
                Script = $"Save-BitriseArtifact -AppSlug {f.App.Slug} -BuildSlug {f.Build.Slug} -ArtifactSlug {artifact.Slug} -Destination {Q(folder)}",
                TargetPath = $"^/storage/builds/{f.Build.Slug}/artifacts/{artifact.Slug}$",
                Verify = r =>
                {
                    var path = Path.Combine(folder, artifact.Title);
                    var sha = f.Sandbox.Storage.Get(artifact.StorageKey)!.Sha256;
                    Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(folder));
                    Assert.Equal(sha, TestFiles.Sha256(path));
                    Assert.Equal(sha, Assert.Single(r.Output).P<string>("Sha256"));
                },
                VerifyFailed = _ => Assert.Empty(Directory.GetFileSystemEntries(folder)),
            };
        }
    }

    /// <summary>Paged list: Get-BitriseBuild over three pages, the fault on the second.</summary>
    private sealed class List : RequestKind
    {
        public override string Name => "list";

        public override string Service => "Bitrise";

        public override string Method => "GET";

        public override bool Streams => true;

        public override int Skip => 1;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var app = f.ListApp.Slug;
            var path = $"^/v0.1/apps/{app}/builds$";
            return new KindRun
            {
                Script = $"Get-BitriseBuild -AppSlug {app}",
                TargetPath = path,
                RefuseAfter = ("GET", path),
                Verify = r => Assert.Equal(
                    f.Sandbox.Bitrise.BuildsOf(app).Select(b => b.Slug),
                    r.Output.Select(o => o.P<string>("BuildSlug"))),
            };
        }
    }

    /// <summary>Log follow: Get-BitriseBuildLog -Follow of a running build, the fault on its second log request.</summary>
    private sealed class Follow : RequestKind
    {
        public override string Name => "follow";

        public override string Service => "Bitrise";

        public override string Method => "GET";

        public override bool Streams => true;

        public override int Skip => 1;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var chunks = Enumerable.Range(0, 8).Select(i => new SbLogChunk(i, $"{id} line {i}\n")).ToList();
            var build = f.Sandbox.Bitrise.AddBuild(new SbBuild
            {
                AppSlug = f.App.Slug,
                StartedOnWorkerAt = DateTimeOffset.UtcNow,
                LogChunks = chunks,
                Timings = new SbBuildTimings { OnHoldPolls = 0, RunningPolls = 4, ChunksPerPoll = 2, ArchiveDelayPolls = 2 },
            });
            var path = $"^/v0.1/apps/{f.App.Slug}/builds/{build.Slug}/log$";
            return new KindRun
            {
                Script = $"Get-BitriseBuildLog -AppSlug {f.App.Slug} -BuildSlug {build.Slug} -Follow",
                TargetPath = path,
                RefuseAfter = ("GET", path),
                Verify = r =>
                {
                    Assert.Equal(chunks.Select(c => c.Text.TrimEnd('\n')), r.Output.Select(Text));
                    Assert.Equal(1, build.Status);
                },
            };
        }
    }

    /// <summary>Build wait: Wait-BitriseBuild of a running build, the fault on its second poll.</summary>
    private sealed class Wait : RequestKind
    {
        public override string Name => "wait";

        public override string Service => "Bitrise";

        public override string Method => "GET";

        public override int Skip => 1;

        public override KindRun Prepare(FaultMatrixFixture f, string id)
        {
            var build = f.Sandbox.Bitrise.AddBuild(new SbBuild
            {
                AppSlug = f.App.Slug,
                StartedOnWorkerAt = DateTimeOffset.UtcNow,
                Timings = new SbBuildTimings { OnHoldPolls = 0, RunningPolls = 4 },
            });
            var path = $"^/v0.1/apps/{f.App.Slug}/builds/{build.Slug}$";
            return new KindRun
            {
                Script = $"Wait-BitriseBuild -AppSlug {f.App.Slug} -BuildSlug {build.Slug}",
                TargetPath = path,
                RefuseAfter = ("GET", path),
                Verify = r =>
                {
                    var finished = Assert.Single(r.Output);
                    Assert.Equal(build.Slug, finished.P<string>("BuildSlug"));
                    Assert.Equal("Success", finished.P("Status")!.ToString());
                    Assert.Equal(1, build.Status);
                },
            };
        }
    }
}
