using System.Diagnostics;
using System.Globalization;
using Switchback.Bench.Detection;

var options = StudyOptions.Parse(args);
if (options.Monitor)
{
    var watch = Stopwatch.StartNew();
    var text = MonitorStudy.Section(MonitorStudy.Run(), watch);
    Console.WriteLine(text);
    if (options.Write)
    {
        Report.WriteInto(options.OutputPath, text, MonitorStudy.Heading);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote the {MonitorStudy.Heading[3..]} section of {options.OutputPath} in {watch.Elapsed.TotalSeconds:0} s"));
    }

    return;
}

if (options.Clustered)
{
    var watch = Stopwatch.StartNew();
    var clustered = await ClusteredStudy.RunAsync(options);
    var text = ClusteredStudy.Section(options, clustered, watch.Elapsed);
    Console.WriteLine(text);
    if (options.Write)
    {
        Report.WriteInto(options.OutputPath, text, ClusteredStudy.Heading);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote the {ClusteredStudy.Heading[3..]} section of {options.OutputPath} in {watch.Elapsed.TotalSeconds:0} s"));
    }

    return;
}

var study = new Study(options);
var clock = Stopwatch.StartNew();
var rows = study.Run();
var section = Report.Section(options, rows, clock.Elapsed);
Console.WriteLine(section);
if (options.Write)
{
    Report.WriteInto(options.OutputPath, section);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote the Detection study section of {options.OutputPath} in {clock.Elapsed.TotalSeconds:0} s"));
}
