/* state.c — reading and writing the state file (state.h). */
#include "run/state.h"

#include "paths.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bg_error bg_state_read(const char *path, const char *job, bg_state *out, char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    size_t size;
    char *bytes = bg_read_file(path, &size);
    if (!bytes) {
        if (errno == ENOENT)
            return BG_E_OK;
        return bg_fail(msg, msg_size, BG_E_IO, "%s: cannot read: %s", path, strerror(errno));
    }
    cJSON *root = cJSON_ParseWithLength(bytes, size);
    free(bytes);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "job");
    const cJSON *sources = cJSON_GetObjectItemCaseSensitive(root, "sources");
    if (!cJSON_IsObject(root) || !cJSON_IsString(j) || !cJSON_IsArray(sources)) {
        cJSON_Delete(root);
        return bg_fail(msg, msg_size, BG_E_CONFIG, "%s: not a baogao state file", path);
    }
    if (job && strcmp(j->valuestring, job) != 0) {
        bg_fail(msg, msg_size, BG_E_CONFIG, "%s: the state of job '%s', not of '%s'", path, j->valuestring, job);
        cJSON_Delete(root);
        return BG_E_CONFIG;
    }
    out->found = true;
    const cJSON *documents = cJSON_GetObjectItemCaseSensitive(root, "documents");
    if (cJSON_IsNumber(documents) && documents->valuedouble >= 0) {
        out->documents = (uint64_t)documents->valuedouble;
    } else { /* older state files: count the exported sources */
        const cJSON *s;
        cJSON_ArrayForEach(s, sources)
        {
            const cJSON *status = cJSON_GetObjectItemCaseSensitive(s, "status");
            if (cJSON_IsString(status) && !strcmp(status->valuestring, "ok"))
                out->documents++;
        }
    }
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "pid");
    if (cJSON_IsNumber(pid))
        out->pid = (long)pid->valuedouble;
    const cJSON *run_id = cJSON_GetObjectItemCaseSensitive(root, "run_id");
    if (cJSON_IsString(run_id))
        snprintf(out->run_id, sizeof out->run_id, "%s", run_id->valuestring);
    cJSON_Delete(root);
    return BG_E_OK;
}

bg_error bg_state_write(const char *path, const bg_run_summary *summary, char *msg, size_t msg_size)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root && cJSON_AddStringToObject(root, "job", summary->job) &&
              cJSON_AddStringToObject(root, "run_id", summary->run_id) &&
              cJSON_AddNumberToObject(root, "pid", (double)getpid()) &&
              cJSON_AddNumberToObject(root, "started_at", (double)summary->started_at) &&
              cJSON_AddNumberToObject(root, "finished_at", (double)summary->finished_at) &&
              cJSON_AddStringToObject(root, "config_hash", summary->config_hash) &&
              cJSON_AddNumberToObject(root, "documents", (double)summary->documents);
    cJSON *sources = ok ? cJSON_AddArrayToObject(root, "sources") : NULL;
    for (size_t i = 0; sources && i < summary->source_count; i++) {
        const bg_source_result *s = &summary->sources[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(sources, o)) {
            cJSON_Delete(o);
            sources = NULL;
            break;
        }
        bool fine = cJSON_AddStringToObject(o, "source", s->source) &&
                    (!s->doc_id || cJSON_AddStringToObject(o, "doc_id", s->doc_id)) &&
                    (!s->content_hash || cJSON_AddStringToObject(o, "content_hash", s->content_hash)) &&
                    cJSON_AddStringToObject(o, "status", s->status) &&
                    (!s->error || cJSON_AddStringToObject(o, "error", s->error));
        if (!fine)
            sources = NULL;
    }
    char *text = sources ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return bg_fail(msg, msg_size, BG_E_NOMEM, "%s: out of memory writing the state", path);
    char *dir = bg_dirname(path);
    char temp[4096];
    snprintf(temp, sizeof temp, "%s.tmp-%ld", path, (long)getpid());
    bg_error e = BG_E_OK;
    FILE *f = dir && bg_mkdirs(dir) == 0 ? fopen(temp, "w") : NULL;
    if (!f) {
        e = bg_fail(msg, msg_size, BG_E_IO, "%s: cannot write the state: %s", path, strerror(errno));
    } else {
        bool written = fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
        int saved = errno;
        if (fclose(f) != 0 && written) {
            written = false;
            saved = errno;
        }
        if (!written || rename(temp, path) != 0) {
            if (written)
                saved = errno;
            unlink(temp);
            e = bg_fail(msg, msg_size, BG_E_IO, "%s: cannot write the state: %s", path, strerror(saved));
        }
    }
    free(dir);
    cJSON_free(text);
    return e;
}
