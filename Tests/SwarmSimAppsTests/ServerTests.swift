import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

/// The servers' answers, through curl, against what the real ones send.
@Suite struct ServerTests {
    @Test func dockerHTTPServerBodyAndGoHeaders() throws {
        let bed = AppTestBed()
        let server = try DockerHTTPServer.start(context: bed.server)
        let plain = try #require(bed.curl("server"))
        // The line the scenario-format example and the Katacoda tutorial show.
        #expect(plain == CommandResult(stdout: "<h1>This request was processed by host: cbc4fa365043</h1>\n", exitCode: 0))
        // A fresh world, so the clock still reads the epoch (the first run idled past TIME-WAIT).
        let fresh = AppTestBed()
        let other = try DockerHTTPServer.start(context: fresh.server)
        let included = try #require(fresh.curl("-i", "http://server:80/any/path"))
        // Go net/http: Date, Content-Length, Content-Type (sniffed), no Connection on HTTP/1.1.
        #expect(included.stdout == "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 58\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n<h1>This request was processed by host: cbc4fa365043</h1>\n")
        #expect(server.requestsServed == 1 && other.requestsServed == 1)
    }

    /// Go's answer is written once and shared while what it is made of repeats: the same
    /// bytes again within the second, `Connection: close` only where asked for, and the next
    /// second's `Date` once the clock moves on.
    @Test func goAnswersFollowTheirInputsWhenRepeated() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        func curl(_ arguments: String...) throws -> String {
            var outcome: CommandResult?
            Curl.run(arguments: arguments, context: bed.client) { outcome = $0 }
            _ = bed.simulation.run(for: .milliseconds(100))
            return try #require(outcome).stdout
        }
        let first = try curl("-si", "server")
        let closing = try curl("-si", "-H", "Connection: close", "server")
        let again = try curl("-si", "server")
        _ = bed.simulation.run(for: .seconds(2))
        let later = try curl("-si", "server")
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 58\r\n"))
        #expect(again == first && !first.contains("Connection:"))
        #expect(closing.contains("charset=utf-8\r\nConnection: close\r\n\r\n"))
        #expect(later.hasPrefix("HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:02 GMT\r\n"))
        #expect(later.hasSuffix("cbc4fa365043</h1>\n"))
    }

    @Test func goEchoesConnectionCloseAndClosesFirst() throws {
        let bed = AppTestBed()
        let server = try DockerHTTPServer.start(context: bed.server)
        var outcome: CommandResult?
        Curl.run(arguments: ["-si", "-H", "Connection: close", "server"], context: bed.client) { outcome = $0 }
        _ = bed.simulation.run(for: .seconds(1))
        let result = try #require(outcome)
        #expect(result.stdout.contains("Content-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"))
        #expect(server.connectionCount == 0)
        // The server closed (its FIN follows the response), so it holds a TIME-WAIT; curl closes
        // as it reads the response, before the FIN arrives: a simultaneous close, both sides wait.
        #expect(bed.topology.b.tcp.timeWaitCount == 1)
    }

    @Test func goAnswersHTTP10WithHTTP10AndCloses() throws {
        let bed = AppTestBed()
        let server = try DockerHTTPServer.start(context: bed.server)
        let connection = try bed.topology.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        var received: [UInt8] = []
        var ended = false
        connection.onData = { received += $0 }
        connection.onEndOfStream = {
            ended = true
            connection.close()
        }
        try connection.send(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        bed.simulation.runUntilIdle()
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.0 200 OK\r\nDate: "))
        #expect(!String(decoding: received, as: UTF8.self).contains("Connection:"))
        #expect(ended && server.connectionCount == 0)
    }

    @Test func nginxWelcomePage() throws {
        let bed = AppTestBed()
        _ = try NginxServer.start(context: bed.server)
        let result = try #require(bed.curl("-i", "server"))
        let expectedHead = "HTTP/1.1 200 OK\r\nServer: nginx/1.27.5\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
            + "Content-Type: text/html\r\nContent-Length: 615\r\nLast-Modified: Wed, 16 Apr 2025 12:55:34 GMT\r\n"
            + "Connection: keep-alive\r\nETag: \"67ffa8c6-267\"\r\nAccept-Ranges: bytes\r\n\r\n"
        #expect(result.stdout.hasPrefix(expectedHead))
        let body = result.stdout.dropFirst(expectedHead.count)
        #expect(body.utf8.count == 615)
        #expect(body.hasPrefix("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n"))
        #expect(body.hasSuffix("<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n"))
    }

    @Test func nginxNotFoundPage() throws {
        let bed = AppTestBed()
        _ = try NginxServer.start(context: bed.server)
        let result = try #require(bed.curl("server/nosuch"))
        #expect(result.stdout == "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
            + "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n")
        #expect(result.exitCode == 0)
    }

    @Test func nginxClosesIdleConnectionsAfter65Seconds() throws {
        let bed = AppTestBed()
        let server = try NginxServer.start(context: bed.server)
        let connection = try bed.topology.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        var endedAt: SimTime?
        connection.onEndOfStream = {
            endedAt = bed.simulation.now
            connection.close()
        }
        try connection.send(Array("HEAD / HTTP/1.1\r\nHost: server\r\n\r\n".utf8))
        bed.simulation.runUntilIdle()
        let ended = try #require(endedAt)
        #expect(ended - .zero >= .seconds(65) && ended - .zero < .seconds(66))
        #expect(server.connectionCount == 0)
    }

    @Test func httpEchoNamesTheHost() throws {
        let bed = AppTestBed()
        _ = try HTTPEchoServer.start(context: bed.server, port: 8080)
        let result = try #require(bed.curl("-i", "server:8080"))
        #expect(result.stdout == "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 13\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\ncbc4fa365043\n")
    }

    @Test func stoppedServerRefuses() throws {
        let bed = AppTestBed()
        let server = try DockerHTTPServer.start(context: bed.server)
        server.stop()
        let result = try #require(bed.curl("server"))
        #expect(result.exitCode == 7)
    }

    @Test func badRequestGetsGoPlain400() throws {
        let bed = AppTestBed()
        _ = try DockerHTTPServer.start(context: bed.server)
        let connection = try bed.topology.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 80)
        var received: [UInt8] = []
        connection.onData = { received += $0 }
        connection.onEndOfStream = { connection.close() }
        try connection.send(Array("NONSENSE\r\n\r\n".utf8))
        bed.simulation.runUntilIdle()
        #expect(String(decoding: received, as: UTF8.self)
            == "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
    }
}
