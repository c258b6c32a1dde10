using System.Collections;
using System.Reflection;
using Xunit;

namespace ActorDns.ControlPlane.Tests.Support;

/// <summary>
/// Field-by-field equality of two objects, reading public properties by reflection and comparing sequences element by
/// element whatever the collection type (records compare lists by reference). Independent of any serializer, so a field a serializer drops both
/// ways is still noticed.
/// </summary>
public static class Structurally
{
    public static void Equal(object? expected, object? actual) => Compare(expected, actual, "value");

    private static void Compare(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        if (expected is IEnumerable sequence and not string)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: expected {left.Count} elements, got {right.Count}");
            for (var i = 0; i < left.Count; i++)
            {
                Compare(left[i], right[i], $"{path}[{i}]");
            }

            return;
        }

        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}");
        var type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string or decimal or DateTimeOffset or DateTime or TimeSpan or System.Net.IPAddress)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToList();
        foreach (var property in properties)
        {
            Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}
