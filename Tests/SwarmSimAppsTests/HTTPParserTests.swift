import SwarmSimApps
import SwarmSimCore
import TestSupport
import Testing

@Suite struct HTTPParserTests {
    @Test func requestArrivingByteByByte() throws {
        var parser = HTTPRequestParser()
        let wire = Array("GET /a?b=1 HTTP/1.1\r\nHost: host01:81\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n".utf8)
        var parsed: [HTTPRequest] = []
        for byte in wire {
            parser.append([byte])
            if let request = try parser.next() { parsed.append(request) }
        }
        #expect(parsed.count == 1)
        #expect(parsed.first?.target == "/a?b=1")
        #expect(parsed.first?.headers["host"] == "host01:81")
        #expect(parsed.first?.headers["user-AGENT"] == "curl/8.5.0")
        #expect(parsed.first?.headers["Hos"] == nil && parsed.first?.headers["Host:"] == nil)
        #expect(parsed.first?.wantsKeepAlive == true)
        #expect(parser.isIdle)
    }

    @Test func pipelinedRequestsWithBodies() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8))
        let first = try #require(try parser.next())
        let second = try #require(try parser.next())
        #expect(first.body == Array("abc".utf8))
        #expect(second.version == .http10 && second.wantsKeepAlive)
        #expect(try parser.next() == nil)
    }

    @Test func serializedRequestParsesBack() throws {
        let request = HTTPRequest(method: "GET", target: "/", headers: ["Host": "x", "Connection": "close"])
        var parser = HTTPRequestParser()
        parser.append(request.serialized())
        let parsed = try #require(try parser.next())
        #expect(parsed == request)
        #expect(!parsed.wantsKeepAlive)
        #expect(HTTPRequest(headers: ["connection": "Keep-Alive, CLOSE"]).wantsKeepAlive == false)
        #expect(HTTPRequest(version: .http10, headers: ["Connection": "keep-alive"]).wantsKeepAlive)
    }

    @Test func chunkedResponseSplitAnywhere() throws {
        let wire = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n".utf8)
        for split in 1..<wire.count {
            var parser = HTTPResponseParser()
            parser.append(Array(wire[..<split]))
            var response = try parser.next()
            if response == nil {
                parser.append(Array(wire[split...]))
                response = try parser.next()
            }
            #expect(response?.body == Array("hello, world".utf8), "split at \(split)")
        }
    }

    @Test func responseToHeadHasNoBodyWhateverItAnnounces() throws {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 58\r\n\r\n".utf8))
        let response = try #require(try parser.next(requestMethod: "HEAD"))
        #expect(response.body.isEmpty)
        #expect(Array(response.head) == Array("HTTP/1.1 200 OK\r\nContent-Length: 58\r\n\r\n".utf8))
    }

    /// A head shares the received bytes' storage and ends where the head does, for a response
    /// at the front of the bytes and for the one pipelined after it alike.
    @Test func headsEndAtTheBlankLineWhenBodiesFollowInTheSameBytes() throws {
        var parser = HTTPResponseParser()
        let first = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        let second = "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n"
        parser.append(Array((first + "hello" + second + "no").utf8))
        let one = try #require(try parser.next())
        let two = try #require(try parser.next())
        #expect(Array(one.head) == Array(first.utf8) && one.body == Array("hello".utf8))
        #expect(Array(two.head) == Array(second.utf8) && two.body == Array("no".utf8))
        #expect(two.status == 404 && two.reason == "Not Found" && two.headers["Content-Length"] == "2")
        #expect(try parser.next() == nil && parser.isIdle)
    }

    @Test func bodyUntilCloseEndsAtEndOfStream() throws {
        var parser = HTTPResponseParser()
        parser.append(Array("HTTP/1.0 200 OK\r\n\r\npartial".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.readsUntilClose)
        let response = try #require(try parser.finishAtEndOfStream())
        #expect(response.body == Array("partial".utf8) && response.version == .http10)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", HTTPParseError.badStartLine("GARBAGE")),
        ("GET / HTTP/2.0\r\n\r\n", .badStartLine("GET / HTTP/2.0")),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", .badHeaderLine("NoColon")),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .badHeaderLine("Host : x")),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", .badContentLength("-1")),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferEncoding("gzip")),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .badChunkSize("zz")),
    ])
    func badRequestsAreTypedErrors(_ wire: String, _ expected: HTTPParseError) {
        var parser = HTTPRequestParser()
        parser.append(Array(wire.utf8))
        #expect(throws: expected) { _ = try parser.next() }
    }

    @Test func receivedHeadersReadFromTheHeadBytes() throws {
        var parser = HTTPResponseParser()
        let head = "HTTP/1.1 200 OK\nDate: x\r\nconnection:\t keep-alive ,Upgrade \t\nX-Empty:\n\n"
        parser.append(Array(head.utf8))
        let response = try #require(try parser.next(requestMethod: "HEAD"))
        #expect(Array(response.head) == Array(head.utf8))
        #expect(response.headers["CONNECTION"] == "keep-alive ,Upgrade")
        #expect(response.headers["x-empty"] == "" && response.headers["Dat"] == nil)
        #expect(response.headers.contains("Connection", token: "upgrade"))
        #expect(response.headers.contains("Connection", token: "KEEP-ALIVE"))
        #expect(!response.headers.contains("Connection", token: "close"))
        #expect(HTTPHeaders([("Connection", "Upgrade"), ("CONNECTION", " Close")]).contains("connection", token: "close"))
        #expect(response.headers.fields.map(\.name) == ["Date", "connection", "X-Empty"])
        // Appending copies the field lines out of the head first; the head is untouched.
        var headers = response.headers
        headers.append("Via", "1.1 proxy")
        let wire = HTTPRequest(headers: headers).serialized()
        #expect(String(decoding: wire, as: UTF8.self)
            == "GET / HTTP/1.1\r\nDate: x\r\nconnection:\t keep-alive ,Upgrade \t\nX-Empty:\nVia: 1.1 proxy\r\n\r\n")
        #expect(response.headers.fields.count == 3)
        #expect(headers == HTTPHeaders([("Date", "x"), ("connection", "keep-alive ,Upgrade"), ("X-Empty", ""), ("Via", "1.1 proxy")]))
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", HTTPParseError.badContentLength("+5")),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", .badContentLength("1234567890123456789")),
        ("HTTP/1.1 2x0 OK\r\n\r\n", .badStartLine("HTTP/1.1 2x0 OK")),
        ("HTTP/1.1 20 OK\r\n\r\n", .badStartLine("HTTP/1.1 20 OK")),
        ("HTTP/1.2 200 OK\r\n\r\n", .badStartLine("HTTP/1.2 200 OK")),
        ("HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n", .badHeaderLine(" Folded: x")),
    ])
    func badResponsesAreTypedErrors(_ wire: String, _ expected: HTTPParseError) {
        var parser = HTTPResponseParser()
        parser.append(Array(wire.utf8))
        #expect(throws: expected) {
            _ = try parser.next()
            _ = try parser.finishAtEndOfStream()
        }
    }

    @Test func imfFixdate() {
        // RFC 9110's example instant, and the simulated clock's origin.
        #expect(HTTPDate.imfFixdate(unixSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.imfFixdate(.zero + .milliseconds(1500)) == "Thu, 01 Jan 1970 00:00:01 GMT")
        #expect(HTTPDate.imfFixdate(unixSeconds: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }
}
