using System.CommandLine;
using System.CommandLine.Help;
using ActorDns.Host.Cli;
using ActorDns.Host.Configuration;
using ActorDns.Host.Tests.Support;
using Xunit;

namespace ActorDns.Host.Tests;

/// <summary>What <c>actordns --help</c> and <c>actordns COMMAND --help</c> tell a newcomer, and <c>actordns version</c>.</summary>
public sealed class CommandLineHelpTests
{
    private static readonly RootCommand Root = ActorDnsCli.Build();

    private static IEnumerable<Command> AllCommands(Command command) => [command, .. command.Subcommands.SelectMany(AllCommands)];

    [Fact]
    public void EveryOptionOfEveryCommand_HasADescription_AndValuedOnesAFormat()
    {
        var missing = new List<string>();
        foreach (var command in AllCommands(Root))
        {
            foreach (var option in command.Options)
            {
                if (string.IsNullOrWhiteSpace(option.Description))
                {
                    missing.Add($"{command.Name} {option.Name}: no description");
                }

                if (option.Arity.MaximumNumberOfValues > 0 && string.IsNullOrWhiteSpace(option.HelpName))
                {
                    missing.Add($"{command.Name} {option.Name}: no format (HelpName)");
                }
            }

            missing.AddRange(command.Arguments.Where(a => string.IsNullOrWhiteSpace(a.Description)).Select(a => $"{command.Name} <{a.Name}>: no description"));
        }

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("")]
    [InlineData("standalone")]
    [InlineData("control-plane")]
    [InlineData("resolver")]
    public void NodeCommands_ShowEverySettingWithItsDefaultEnvironmentVariableAndConfigKey(string name)
    {
        var command = name.Length == 0 ? Root : Root.Subcommands.Single(c => c.Name == name);

        foreach (var setting in Setting.All)
        {
            var option = Assert.Single(command.Options, o => o.Name == setting.Flag);
            Assert.Contains($"[default: {setting.Default}]", option.Description, StringComparison.Ordinal);
            Assert.Contains($"env {setting.Env}", option.Description, StringComparison.Ordinal);
            Assert.Contains($"config key {setting.Key}", option.Description, StringComparison.Ordinal);
            Assert.Equal(setting.Format, option.HelpName);
        }

        Assert.Single(command.Options, o => o.Name == "--config");
    }

    [Theory]
    [InlineData("apply", new[] { "--file", "--api-address", "--token", "--ca-cert", "--client-cert", "--client-key", "--config" })]
    [InlineData("get", new[] { "--mesh", "--output", "--api-address", "--token", "--ca-cert", "--client-cert", "--client-key", "--config" })]
    [InlineData("delete", new[] { "--mesh", "--api-address", "--token", "--ca-cert", "--client-cert", "--client-key", "--config" })]
    [InlineData("version", new string[0])]
    public void ClientCommands_ShowOnlyClientOptions(string name, string[] expected)
    {
        var command = Root.Subcommands.Single(c => c.Name == name);

        var options = command.Options.Where(o => o is not HelpOption).Select(o => o.Name);
        var inherited = Root.Options.Where(o => o.Recursive && o is not HelpOption).Select(o => o.Name);

        Assert.Equal(expected.Order(), options.Order());
        Assert.Empty(inherited);
    }

    [Fact]
    public async Task GetHelp_ThroughTheProcess_ListsApiAddressOnceAndNoServerOption()
    {
        await using var process = ActorDnsProcess.Start("get", "--help");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(process.Output, "--api-address"));
        Assert.DoesNotContain("--dns-address", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--upstream", process.Output, StringComparison.Ordinal);
        Assert.Contains("--api-address <ADDR:PORT>", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public async Task Version_PrintsTheVersionAndTheCommit(string argument)
    {
        await using var process = ActorDnsProcess.Start(argument);

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Matches(@"^actordns \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)\)\n$", process.StandardOutput);
        Assert.Equal(ActorDnsCli.VersionText() + "\n", process.StandardOutput);
        Assert.Empty(process.StandardError);
    }
}
