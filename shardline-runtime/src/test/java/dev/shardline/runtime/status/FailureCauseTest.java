package dev.shardline.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.api.ShardlineException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class FailureCauseTest {

  @Test
  void aJacksonErrorWrappedOnOneLineLosesItsSourceNoteAndItsLineBreaks() {
    // Given a wrapper that put a Jackson parser error's whole message into its own
    Exception parse = null;
    try {
      new ObjectMapper().readTree("{not json");
    } catch (Exception e) {
      parse = e;
    }
    assertThat(parse.getMessage()).contains("Source: REDACTED").contains("\n");
    ShardlineException wrapped =
        new ShardlineException(
            "Cannot read the record: " + parse.getMessage().replace('\n', ' '), parse);

    // When it is described for a person
    String described = FailureCause.describe(new RuntimeException("Worker 0 failed", wrapped));

    // Then one line, without the parser's location note
    assertThat(described)
        .startsWith("Cannot read the record: Unexpected character")
        .doesNotContain("Source:")
        .doesNotContain("REDACTED")
        .doesNotContain("\n");
    assertThat(FailureCause.oneLine(parse.getMessage())).doesNotContain("\n");
    assertThat(FailureCause.oneLine(null)).isEmpty();
  }

  @Test
  void aRootCauseWithoutAMessageGivesWayToTheShardlineErrorAboveIt() {
    ShardlineException reach =
        new ShardlineException(
            "Cannot reach Kinesis at http://127.0.0.1:1", new ConnectException());

    assertThat(FailureCause.describe(new RuntimeException(reach)))
        .isEqualTo("Cannot reach Kinesis at http://127.0.0.1:1");
    assertThat(FailureCause.describe(new ConnectException())).isEqualTo("ConnectException");
  }
}
