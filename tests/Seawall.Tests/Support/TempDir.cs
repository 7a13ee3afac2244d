namespace Seawall.Tests.Support;

/// <summary>A temporary directory the test owns, removed at the end.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "seawall-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
