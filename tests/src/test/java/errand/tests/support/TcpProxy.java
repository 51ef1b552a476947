package errand.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * An in-process TCP proxy (NetCrusher) between an app and a shared service, so a test can cut or freeze that one
 * link without touching the service. Listens on a free loopback port; {@link #port()} is what the app connects to.
 *
 * <p><b>Threading:</b> one NIO reactor thread of its own; every method may be called from any test thread.
 */
public final class TcpProxy implements AutoCloseable {

    private final String name;
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int port;

    private TcpProxy(String name, NioReactor reactor, TcpCrusher crusher, int port) {
        this.name = name;
        this.reactor = reactor;
        this.crusher = crusher;
        this.port = port;
    }

    /** Opens a proxy on a free loopback port that forwards every connection to {@code host:targetPort}. */
    public static TcpProxy to(String name, String host, int targetPort) {
        int port = AppProcess.freePort();
        try {
            NioReactor reactor = new NioReactor();
            TcpCrusher crusher = TcpCrusherBuilder.builder()
                    .withReactor(reactor)
                    .withBindAddress("127.0.0.1", port)
                    .withConnectAddress(host, targetPort)
                    .withConnectionTimeoutMs(2_000)
                    .withTcpNoDelay(true)
                    .buildAndOpen();
            return new TcpProxy(name, reactor, crusher, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the " + name + " proxy", e);
        }
    }

    /** The loopback port the app must connect to. */
    public int port() {
        return port;
    }

    /**
     * The link is down: every open connection is closed (the app sees a reset) and new connections are refused
     * until {@link #restore()}.
     */
    public void cut() {
        if (crusher.isOpen()) {
            crusher.close();
        }
    }

    /** Accepts and forwards connections again after a {@link #cut()}. */
    public void restore() {
        if (!crusher.isOpen()) {
            crusher.open();
        }
    }

    /**
     * The link hangs: open connections stay open but carry no bytes, and new ones are not accepted, like a network
     * partition or a frozen server. {@link #unfreeze()} resumes everything as it was.
     */
    public void freeze() {
        if (crusher.isOpen() && !crusher.isFrozen()) {
            crusher.freeze();
        }
    }

    /** Resumes a {@link #freeze()}; does nothing if the link is not frozen. */
    public void unfreeze() {
        if (crusher.isOpen() && crusher.isFrozen()) {
            crusher.unfreeze();
        }
    }

    public boolean isCut() {
        return !crusher.isOpen();
    }

    /** How many client connections pass through right now. */
    public int connections() {
        return crusher.isOpen() ? crusher.getClientAddresses().size() : 0;
    }

    @Override
    public void close() {
        try {
            if (crusher.isOpen()) {
                crusher.close();
            }
        } finally {
            reactor.close();
        }
    }

    @Override
    public String toString() {
        return name + " proxy 127.0.0.1:" + port + " -> " + crusher.getConnectAddress();
    }
}
