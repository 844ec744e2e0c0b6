using System.Net;
using System.Net.Sockets;

namespace LLaDAV.Eval.Tests.Judging;

/// <summary>
/// A judge that accepts TCP connections on 127.0.0.1 and never answers (the worst dead judge: no refusal, no error,
/// only the client's timeout ends a request). <see cref="Connections"/> counts accepted connections, i.e. requests.
/// </summary>
internal sealed class HangingChatServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _loop;
    private int _connections;

    public HangingChatServer()
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _loop = Task.Run(Serve);
    }

    public Uri Endpoint { get; }

    public int Connections => Volatile.Read(ref _connections);

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_held)
                {
                    _held.Add(client);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }

        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }
}

/// <summary>A 127.0.0.1 URL on which nothing listens (a port just released by the OS): connections are refused.</summary>
internal static class ClosedPort
{
    public static Uri Endpoint()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1");
    }
}
