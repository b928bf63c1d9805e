using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PSBuildUpload.Engine.Http;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>What tab completion needs from Bitrise beyond the app list: the workflows of an app's bitrise.yml.</summary>
public sealed partial class BitriseClient
{
    /// <summary>
    /// The workflows an app's bitrise.yml declares (<c>GET /apps/{slug}/bitrise.yml</c>), in file order, each with
    /// its title or summary when it has one. Utility workflows (named with a leading '_') are left out: Bitrise
    /// cannot start them on their own.
    /// </summary>
    public Task<IReadOnlyList<KeyValuePair<string, string?>>> ListWorkflowNamesAsync(string appSlug, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, Api($"apps/{Segment(appSlug)}/bitrise.yml"))
        {
            NotFoundMessage = $"No Bitrise app with slug '{appSlug}' is visible to this token, or it has no bitrise.yml stored on bitrise.io.",
        };
        return SendJsonAsync(request, response => WorkflowNames(response.Body), cancellationToken);
    }

    /// <summary>Reads the <c>workflows:</c> mapping of a bitrise.yml (the body may also be the YAML as a JSON string).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string?>> WorkflowNames(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).TrimStart('\uFEFF');
        if (text.TrimStart().StartsWith("\"", StringComparison.Ordinal))
        {
            text = JsonSerializer.Deserialize<string>(text) ?? string.Empty;
        }

        var result = new List<KeyValuePair<string, string?>>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new JsonException("bitrise.yml is not valid YAML: " + e.Message, e);
        }

        if (stream.Documents.Count == 0
            || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("workflows"), out var workflows)
            || workflows is not YamlMappingNode workflowMap)
        {
            return result;
        }

        foreach (var entry in workflowMap.Children)
        {
            if (entry.Key is not YamlScalarNode { Value: { Length: > 0 } name } || name.StartsWith("_", StringComparison.Ordinal))
            {
                continue;
            }

            string? description = null;
            if (entry.Value is YamlMappingNode workflowBody)
            {
                foreach (var key in new[] { "title", "summary", "description" })
                {
                    if (workflowBody.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } said })
                    {
                        description = said.Trim();
                        break;
                    }
                }
            }

            result.Add(new KeyValuePair<string, string?>(name, description));
        }

        return result;
    }
}
