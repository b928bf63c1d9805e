using System.Collections.Generic;

namespace PSBuildUpload.Engine.Bitrise;

/// <summary>Bitrise's list envelope: <c>{"data":[…],"paging":{…}}</c>.</summary>
internal sealed class BitrisePage<T>
{
    public List<T>? Data { get; set; }

    public BitrisePaging? Paging { get; set; }
}

/// <summary>The paging object: <c>next</c> is present only when another page exists.</summary>
internal sealed class BitrisePaging
{
    public long? TotalItemCount { get; set; }

    public int? PageItemLimit { get; set; }

    public string? Next { get; set; }
}

/// <summary>A single-object envelope: <c>{"data":{…}}</c>.</summary>
internal sealed class BitriseData<T>
{
    public T? Data { get; set; }
}
