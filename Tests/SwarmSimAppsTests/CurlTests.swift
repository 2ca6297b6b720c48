import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

/// curl's output against real curl 8.5.0 lines.
@Suite struct CurlTests {
    @Test func closedPortGetsRSTAndExit7() throws {
        let bed = AppTestBed()
        let serverTCP = bed.topology.b.tcp
        let result = try #require(bed.curl("server:81"))
        // curl 8.5.0: "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server"
        #expect(result == CommandResult(
            stderr: "curl: (7) Failed to connect to server port 81 after 0 ms: Couldn't connect to server\n", exitCode: 7))
        #expect(serverTCP.counters.resetsForNoSocket == 1)
        #expect(bed.topology.a.tcp.counters.attemptFails == 1)
    }

    @Test func silentHidesErrorsAndShowErrorShowsThem() throws {
        let bed = AppTestBed()
        #expect(bed.curl("-s", "server:81") == CommandResult(exitCode: 7))
        #expect(bed.curl("-sS", "server:81")?.stderr.hasPrefix("curl: (7) Failed to connect to server port 81") == true)
    }

    @Test func unresolvableHost() throws {
        let bed = AppTestBed()
        #expect(bed.curl("http://nosuch/") == CommandResult(stderr: "curl: (6) Could not resolve host: nosuch\n", exitCode: 6))
    }

    @Test func droppedSYNsTimeOutWithConnectTimeout() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        try bed.topology.b.netfilter.apply("iptables -A INPUT -p tcp --dport 80 -j DROP")
        let result = try #require(bed.curl("--connect-timeout", "5", "server"))
        // curl 8.x: "curl: (28) Failed to connect to www.google.com port 81 after 5006 ms: Timeout was reached"
        #expect(result == CommandResult(
            stderr: "curl: (28) Failed to connect to server port 80 after 5000 ms: Timeout was reached\n", exitCode: 28))
    }

    @Test func downLinkTimesOutWithMaxTime() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        bed.topology.bEth.setUp(false)
        let result = try #require(bed.curl("-m", "2", "10.0.0.2"))
        #expect(result == CommandResult(
            stderr: "curl: (28) Failed to connect to 10.0.0.2 port 80 after 2000 ms: Timeout was reached\n", exitCode: 28))
    }

    @Test func kernelSYNRetriesGivingUpIsExit28() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        try bed.topology.b.netfilter.apply("iptables -A INPUT -p tcp --dport 80 -j DROP")
        let result = try #require(bed.curl("server"))
        // ETIMEDOUT from connect: curl keeps "Couldn't connect to server" and maps the code to 28.
        #expect(result.exitCode == 28)
        let ms = bed.simulation.now.nanoseconds / 1_000_000
        #expect(result.stderr == "curl: (28) Failed to connect to server port 80 after \(ms) ms: Couldn't connect to server\n")
        // tcp_syn_retries = 6 with Linux 6.5+'s 4 linear timeouts: SYNs at 0, 1, 2, 3, 4, 5, 7 s,
        // ETIMEDOUT at 131 s.
        #expect(ms >= 131_000 && ms < 132_000, "\(ms) ms")
    }

    @Test func emptyReply() throws {
        let bed = AppTestBed()
        let raw = try RawTCPServer(bed.topology.b, port: 80) { $0.close() }
        _ = raw
        #expect(bed.curl("server") == CommandResult(stderr: "curl: (52) Empty reply from server\n", exitCode: 52))
    }

    @Test func resetWhileReceiving() throws {
        let bed = AppTestBed()
        let raw = try RawTCPServer(bed.topology.b, port: 80) { $0.abort() }
        _ = raw
        #expect(bed.curl("server") == CommandResult(stderr: "curl: (56) Recv failure: Connection reset by peer\n", exitCode: 56))
    }

    @Test func maxTimeAfterConnecting() throws {
        let bed = AppTestBed()
        let raw = try RawTCPServer(bed.topology.b, port: 80) { connection in
            try? connection.send(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".utf8))
        }
        _ = raw
        let result = try #require(bed.curl("-m", "1.5", "server"))
        #expect(result == CommandResult(
            stderr: "curl: (28) Operation timed out after 1500 milliseconds with 3 out of 100 bytes received\n", exitCode: 28))
    }

    @Test func bodyCutShort() throws {
        let bed = AppTestBed()
        let raw = try RawTCPServer(bed.topology.b, port: 80) { connection in
            try? connection.send(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8))
            connection.close()
        }
        _ = raw
        #expect(bed.curl("server")?.stderr == "curl: (18) transfer closed with 7 bytes remaining to read\n")
    }

    @Test func requestLinesAndCustomHeaders() throws {
        let bed = AppTestBed()
        var seen: [UInt8] = []
        let raw = try RawTCPServer(bed.topology.b, port: 8080, immediately: true) { connection in
            connection.onData = { bytes in
                seen += bytes
                try? connection.send(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
            }
        }
        _ = raw
        let result = try #require(bed.curl("-H", "Accept: text/html", "-H", "X-Test: 1", "-H", "User-Agent:", "server:8080/p"))
        #expect(result == CommandResult(exitCode: 0))
        #expect(String(decoding: seen, as: UTF8.self) == "GET /p HTTP/1.1\r\nHost: server:8080\r\nAccept: text/html\r\nX-Test: 1\r\n\r\n")
    }

    @Test(arguments: [
        (["-v", "x"], "curl: option -v: is not modelled by swarmsim\n", Int32(2)),
        (["--nosuch", "x"], "curl: option --nosuch: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2),
        (["-m"], "curl: option -m: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2),
        (["-m", "soon", "x"], "curl: option -m: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2),
        (["-s"], "curl: (2) no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2),
        (["ftp://x/"], "curl: (1) Protocol \"ftp\" not supported\n", 1),
        (["x:99999"], "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535\n", 3),
    ])
    func badCommandLines(_ arguments: [String], _ stderr: String, _ code: Int32) throws {
        let bed = AppTestBed()
        let result = try #require(bed.run { Curl.run(arguments: arguments, context: bed.client, completion: $0) })
        #expect(result == CommandResult(stderr: stderr, exitCode: code))
    }
}

/// BusyBox wget's output.
@Suite struct WgetTests {
    @Test func bodyToStdout() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        #expect(bed.wget("-qO-", "http://server") == CommandResult(
            stdout: "<h1>This request was processed by host: cbc4fa365043</h1>\n", exitCode: 0))
        #expect(bed.wget("-q", "-O", "-", "server:80/") == CommandResult(
            stdout: "<h1>This request was processed by host: cbc4fa365043</h1>\n", exitCode: 0))
    }

    @Test func failures() throws {
        let bed = AppTestBed()
        _ = try NginxServer.start(context: bed.server)
        #expect(bed.wget("-qO-", "nosuch") == CommandResult(stderr: "wget: bad address 'nosuch'\n", exitCode: 1))
        #expect(bed.wget("-qO-", "server:81") == CommandResult(
            stderr: "wget: can't connect to remote host (10.0.0.2): Connection refused\n", exitCode: 1))
        #expect(bed.wget("-qO-", "server/missing") == CommandResult(
            stderr: "wget: server returned error: HTTP/1.1 404 Not Found\n", exitCode: 1))
    }

    @Test func sendsConnectionClose() throws {
        let bed = AppTestBed()
        var seen: [UInt8] = []
        let raw = try RawTCPServer(bed.topology.b, port: 80, immediately: true) { connection in
            connection.onData = { bytes in
                seen += bytes
                try? connection.send(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
            }
        }
        _ = raw
        #expect(bed.wget("-qO-", "server") == CommandResult(stdout: "ok", exitCode: 0))
        #expect(String(decoding: seen, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: server\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n")
    }
}
