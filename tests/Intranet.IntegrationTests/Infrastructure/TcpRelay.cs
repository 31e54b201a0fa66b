using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Intranet.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a real server (PostgreSQL in the outage tests): clients connect to
/// <see cref="Port"/>, bytes go both ways unchanged. <see cref="Cut"/> closes every relayed connection and stops
/// listening, so new connections are refused as if the server were down; <see cref="Restore"/> listens again on the
/// same port. Used instead of switching connection strings, which a host builds into its DbContext options once.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _pairs = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    /// <summary>Starts relaying loopback connections to <paramref name="targetPort"/> on 127.0.0.1.</summary>
    public TcpRelay(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Listen(0);
        Port = ((IPEndPoint)_listener!.LocalEndpoint).Port;
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Closes every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public async Task Cut()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        await _accepting;
        foreach (var (client, server) in _pairs)
        {
            client.Dispose();
            server.Dispose();
        }
        _pairs.Clear();
    }

    /// <summary>Listens again on <see cref="Port"/>.</summary>
    public void Restore()
    {
        _stop = new CancellationTokenSource();
        Listen(Port);
    }

    private void Listen(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        var listener = _listener;
        var stop = _stop.Token;
        _accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(stop); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                var server = new TcpClient();
                try { await server.ConnectAsync(_target, stop); }
                catch (Exception e) when (e is OperationCanceledException or SocketException)
                {
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                _pairs[client] = server;
                _ = Pump(client, server);
            }
        });
    }

    private async Task Pump(TcpClient client, TcpClient server)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            await Task.WhenAny(Copy(client.GetStream(), server.GetStream(), cancel.Token), Copy(server.GetStream(), client.GetStream(), cancel.Token));
        }
        finally
        {
            await cancel.CancelAsync();
            _pairs.TryRemove(client, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task Copy(Stream from, Stream to, CancellationToken cancel)
    {
        try { await from.CopyToAsync(to, cancel); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cut();
        _stop.Dispose();
    }
}
