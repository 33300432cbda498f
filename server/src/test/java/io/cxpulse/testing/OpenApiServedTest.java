package io.cxpulse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The API contract is served by the server it describes")
class OpenApiServedTest {

  @Test
  @DisplayName("GET /api/v1/openapi.yaml without a token answers docs/openapi.yaml byte for byte")
  void served() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<byte[]> r = server.http().send(HttpRequest.newBuilder(server.uri("/api/v1/openapi.yaml")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Files.readAllBytes(Contract.file()));
      // The media type the contract documents for it (its status and media type go through the check too).
      server.get("/api/v1/openapi.yaml", null);
    }
  }
}
