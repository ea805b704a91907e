#!/bin/bash
# Rehearsal of README « Deployment » and deploy/RESTORE.md on one machine, without systemd
# (needs nginx, openssl, curl; uses ports 18000, 18080, 18443 and $REHEARSAL_DIR):
# gunicorn with deploy/gunicorn.conf.py, nginx with deploy/nginx-reperes.conf (ports and
# certificate swapped), a member saves pages through HTTPS, backup, the data folder is lost,
# restore --force, restart, the same page is served and found by search.
set -u
R=${REHEARSAL_DIR:-/tmp/reperes-rehearsal}; APP=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$R"
stop_pid() { [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null; }
stop_pid $R/gunicorn.pid; stop_pid $R/nginx/nginx.pid; sleep 4
rm -rf $R/srv $R/nginx; mkdir -p $R/srv/data $R/srv/backups $R/nginx
cat > $R/reperes.env <<ENV
REPERES_DATA_DIR=$R/srv/data
REPERES_BACKUP_DIR=$R/srv/backups
REPERES_PROXY_COUNT=1
REPERES_SECURE_COOKIES=1
REPERES_MAX_UPLOAD_MB=50
REPERES_BIND=127.0.0.1:18000
REPERES_WORKERS=3
ENV
sed "s|/etc/reperes/reperes.env|$R/reperes.env|; s|/srv/reperes/app|$APP|" $APP/deploy/reperes > $R/reperes; chmod +x $R/reperes
$R/reperes user add admin --role admin --password-stdin <<< "admin-password-123" || exit 1
start_gunicorn() {
  (set -a; . $R/reperes.env; set +a; cd $APP && .venv/bin/gunicorn -c deploy/gunicorn.conf.py --pid $R/gunicorn.pid --daemon --error-logfile $R/gunicorn.log)
  for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18000/healthz && return 0; sleep 0.2; done; echo "gunicorn did not start"; cat $R/gunicorn.log; exit 1
}
start_gunicorn
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $R/nginx/key.pem -out $R/nginx/cert.pem -days 1 -subj /CN=localhost 2>/dev/null
sed -e "s|/etc/letsencrypt/live/reperes.example.org/fullchain.pem|$R/nginx/cert.pem|; s|/etc/letsencrypt/live/reperes.example.org/privkey.pem|$R/nginx/key.pem|" \
    -e "s|listen 80;|listen 18080;|; s|listen \[::\]:80;|listen [::]:18080;|; s|listen 443 ssl http2;|listen 18443 ssl http2;|; s|listen \[::\]:443 ssl http2;|listen [::]:18443 ssl http2;|" \
    -e "s|127.0.0.1:8000|127.0.0.1:18000|g; s|/srv/reperes/app/static/|$APP/static/|; s|X-Forwarded-Host \$host|X-Forwarded-Host \$http_host|; s|Host \$host;|Host \$http_host;|" $APP/deploy/nginx-reperes.conf > $R/nginx/site.conf
cat > $R/nginx/nginx.conf <<NG
pid $R/nginx/nginx.pid; error_log $R/nginx/error.log;
events {}
http { include /etc/nginx/mime.types; access_log off; client_body_temp_path $R/nginx/body; proxy_temp_path $R/nginx/proxy;
       include $R/nginx/site.conf; }
NG
nginx -t -p $R/nginx -c $R/nginx/nginx.conf 2>&1 | tail -1
nginx -p $R/nginx -c $R/nginx/nginx.conf || exit 1
H="https://127.0.0.1:18443"
echo "healthz via nginx: $(curl -sk $H/healthz)"
echo "http -> https: $(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' http://127.0.0.1:18080/wiki/)"
echo "static by nginx: $(curl -sk -o /dev/null -w '%{http_code} %{content_type}' $H/static/css/site.css) cache: $(curl -skI $H/static/css/site.css | grep -i '^cache-control' | tr -d '\r')"
head -c 60000000 /dev/zero > $R/big.bin
echo "60 MB upload: $(curl -sk -o $R/413.html -w '%{http_code}' -F f=@$R/big.bin $H/login) $(grep -o 'Fichier trop gros' $R/413.html | head -1)"
# a member writes pages through the real site (login + CSRF through nginx)
JAR=$R/jar; rm -f $JAR
tok() { curl -sk -b $JAR -c $JAR "$H$1" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
curl -sk -e "$H/" -b $JAR -c $JAR -o /dev/null -w "login: %{http_code}\n" -d "username=admin&password=admin-password-123&csrf_token=$(tok /login)" $H/login
for i in 1 2 3; do
  curl -sk -e "$H/" -b $JAR -c $JAR -o /dev/null -w "save Rehearsal $i: %{http_code}\n" --data-urlencode "text=Texte de la répétition $i" -d "comment=r&csrf_token=$(tok "/wiki/R%C3%A9p%C3%A9tition%20$i?action=edit")&base_rev=0" "$H/wiki/R%C3%A9p%C3%A9tition%20$i?action=edit"
done
curl -sk -b $JAR "$H/wiki/R%C3%A9p%C3%A9tition%202" | sed -n '/<main/,/<\/main>/p' | sed 's/name="csrf_token" value="[^"]*"//' > $R/before.html
grep -c "répétition 2" $R/before.html
$R/reperes backup --keep 14 || exit 1
$R/reperes check | tail -1
# the disaster
stop_pid $R/gunicorn.pid; sleep 4; rm -rf $R/srv/data/*; echo "data lost: $(ls $R/srv/data | wc -l) entries"
# RESTORE.md step 4, literally (with this rehearsal's wrapper)
$R/reperes restore $(ls $R/srv/backups/reperes-backup-*.tar.gz | tail -1) $R/srv/data --force | tail -3; echo "restore exit: ${PIPESTATUS[0]}"
start_gunicorn
echo "healthz after restore: $(curl -sk $H/healthz)"
rm -f $JAR
curl -sk -e "$H/" -b $JAR -c $JAR -o /dev/null -w "login after restore: %{http_code}\n" -d "username=admin&password=admin-password-123&csrf_token=$(tok /login)" $H/login
curl -sk -b $JAR "$H/wiki/R%C3%A9p%C3%A9tition%202" | sed -n '/<main/,/<\/main>/p' | sed 's/name="csrf_token" value="[^"]*"//' > $R/after.html
if diff -q $R/before.html $R/after.html; then echo "page identical after restore"; else diff $R/before.html $R/after.html | head; fi
echo "search after restore: $(curl -sk -b $JAR "$H/recherche?q=r%C3%A9p%C3%A9tition" | grep -o 'href="/wiki/R[^"]*"' | sort -u | tr '\n' ' ')"
stop_pid $R/gunicorn.pid; stop_pid $R/nginx/nginx.pid
