using System.Text.Json.Nodes;

namespace ActorDns.LoadTest.Churn;

/// <summary>The Kuma Dataplane a churn service registers (SPEC §2): one inbound on port 8080 tagged with the service name.</summary>
internal static class DataplaneBody
{
    public static string Json(string mesh, string name, long index) => new JsonObject
    {
        ["type"] = "Dataplane",
        ["mesh"] = mesh,
        ["name"] = name,
        ["networking"] = new JsonObject
        {
            ["address"] = Address(index),
            ["inbound"] = new JsonArray(new JsonObject
            {
                ["port"] = 8080,
                ["tags"] = new JsonObject { ["kuma.io/service"] = name },
            }),
        },
    }.ToJsonString();

    /// <summary>A distinct address in 10.0.0.0/8 for each of the first 16,777,215 services (10.0.0.0 is skipped).</summary>
    public static string Address(long index)
    {
        var n = (index % 0xFF_FFFF) + 1;
        return $"10.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}";
    }
}
