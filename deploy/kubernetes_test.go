package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The manifests are checked structurally (kubeconform needs its schemas
// from GitHub, which CI cannot reach): every document parses with known
// fields for the few kinds used, the StatefulSet has the architecture's
// probes, resources, a volume claim, the ConfigMap and Secret wired in, and
// the Service selects its pods on the port they serve.

type meta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
	PeriodSeconds    int `yaml:"periodSeconds"`
	TimeoutSeconds   int `yaml:"timeoutSeconds"`
	FailureThreshold int `yaml:"failureThreshold"`
}

type resources struct {
	Requests map[string]string `yaml:"requests"`
	Limits   map[string]string `yaml:"limits"`
}

type container struct {
	Name       string   `yaml:"name"`
	Image      string   `yaml:"image"`
	Command    []string `yaml:"command"`
	Args       []string `yaml:"args"`
	WorkingDir string   `yaml:"workingDir"`
	Ports      []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	EnvFrom []struct {
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
	} `yaml:"envFrom"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
	LivenessProbe   *probe         `yaml:"livenessProbe"`
	ReadinessProbe  *probe         `yaml:"readinessProbe"`
	StartupProbe    *probe         `yaml:"startupProbe"`
	Resources       resources      `yaml:"resources"`
	SecurityContext map[string]any `yaml:"securityContext"`
}

type statefulSet struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
	Spec       struct {
		ServiceName string `yaml:"serviceName"`
		Replicas    int    `yaml:"replicas"`
		Selector    struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata meta `yaml:"metadata"`
			Spec     struct {
				SecurityContext map[string]any `yaml:"securityContext"`
				InitContainers  []container    `yaml:"initContainers"`
				Containers      []container    `yaml:"containers"`
				Volumes         []struct {
					Name      string         `yaml:"name"`
					EmptyDir  map[string]any `yaml:"emptyDir"`
					ConfigMap *struct {
						Name  string `yaml:"name"`
						Items []struct {
							Key  string `yaml:"key"`
							Path string `yaml:"path"`
						} `yaml:"items"`
					} `yaml:"configMap"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
		VolumeClaimTemplates []struct {
			Metadata meta `yaml:"metadata"`
			Spec     struct {
				AccessModes []string  `yaml:"accessModes"`
				Resources   resources `yaml:"resources"`
			} `yaml:"spec"`
		} `yaml:"volumeClaimTemplates"`
	} `yaml:"spec"`
}

type service struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
	Spec       struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
			Protocol   string `yaml:"protocol"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type configMap struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   meta              `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
}

type secret struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   meta              `yaml:"metadata"`
	Type       string            `yaml:"type"`
	StringData map[string]string `yaml:"stringData"`
}

type kustomization struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Resources  []string `yaml:"resources"`
}

// decodeStrict decodes b into v, refusing unknown fields (a misspelt or
// misplaced field would otherwise be silently ignored by this test).
func decodeStrict(t *testing.T, name string, b []byte, v any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestKubernetesManifests(t *testing.T) {
	dir := "kubernetes"
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var (
		sts  statefulSet
		svc  service
		cm   configMap
		sec  secret
		kust kustomization
	)
	kinds := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var head struct {
				APIVersion string `yaml:"apiVersion"`
				Kind       string `yaml:"kind"`
			}
			if err := dec.Decode(&head); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			kinds[head.Kind] = filepath.Base(f)
			switch head.Kind {
			case "StatefulSet":
				decodeStrict(t, f, b, &sts)
			case "Service":
				decodeStrict(t, f, b, &svc)
			case "ConfigMap":
				decodeStrict(t, f, b, &cm)
			case "Secret":
				decodeStrict(t, f, b, &sec)
			case "Kustomization":
				decodeStrict(t, f, b, &kust)
			default:
				t.Errorf("%s: unexpected kind %q", f, head.Kind)
			}
		}
	}
	for k, api := range map[string]string{"StatefulSet": sts.APIVersion, "Service": svc.APIVersion, "ConfigMap": cm.APIVersion, "Secret": sec.APIVersion} {
		want := map[string]string{"StatefulSet": "apps/v1"}[k]
		if want == "" {
			want = "v1"
		}
		if api != want {
			t.Errorf("%s apiVersion %q, want %q", k, api, want)
		}
	}
	// kustomization lists every manifest.
	for _, f := range files {
		if b := filepath.Base(f); b != "kustomization.yaml" && !strings.Contains(strings.Join(kust.Resources, " "), b) {
			t.Errorf("kustomization.yaml lacks %s", b)
		}
	}

	s := sts.Spec
	if s.Replicas != 1 {
		t.Errorf("replicas %d: one process owns an index", s.Replicas)
	}
	if s.ServiceName != svc.Metadata.Name {
		t.Errorf("serviceName %q, service %q", s.ServiceName, svc.Metadata.Name)
	}
	for k, v := range s.Selector.MatchLabels {
		if s.Template.Metadata.Labels[k] != v || svc.Spec.Selector[k] != v {
			t.Errorf("selector %s=%s does not match the pod labels or the service selector", k, v)
		}
	}
	if sc := s.Template.Spec.SecurityContext; sc["runAsNonRoot"] != true {
		t.Errorf("pod securityContext %v: want runAsNonRoot", sc)
	}
	if len(s.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers", len(s.Template.Spec.Containers))
	}
	c := s.Template.Spec.Containers[0]
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/health/live" {
		t.Errorf("liveness probe %+v, want /health/live", c.LivenessProbe)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/health/ready" {
		t.Errorf("readiness probe %+v, want /health/ready", c.ReadinessProbe)
	}
	all := append(append([]container{}, s.Template.Spec.InitContainers...), c)
	for _, ct := range all {
		for _, k := range []string{"cpu", "memory"} {
			if ct.Resources.Requests[k] == "" || ct.Resources.Limits[k] == "" {
				t.Errorf("container %s: no %s request and limit", ct.Name, k)
			}
		}
	}
	// Probes and the service name the container's port.
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8080 {
		t.Fatalf("ports %+v", c.Ports)
	}
	for _, p := range []*probe{c.LivenessProbe, c.ReadinessProbe} {
		if p != nil && p.HTTPGet.Port != c.Ports[0].Name && p.HTTPGet.Port != 8080 {
			t.Errorf("probe port %v is not the container's", p.HTTPGet.Port)
		}
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != c.Ports[0].Name {
		t.Errorf("service ports %+v do not target %q", svc.Spec.Ports, c.Ports[0].Name)
	}
	// The index on the claim; the configuration from the ConfigMap at the
	// user configuration path the image sets (XDG_CONFIG_HOME=/config);
	// the API keys from the Secret.
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	if len(s.VolumeClaimTemplates) != 1 || s.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"] == "" {
		t.Fatalf("volume claim templates %+v", s.VolumeClaimTemplates)
	}
	claim := s.VolumeClaimTemplates[0].Metadata.Name
	if mounts[claim] != "/data" || !strings.Contains(strings.Join(c.Args, " "), "--db /data/") {
		t.Errorf("the claim %q is mounted at %q; args %q", claim, mounts[claim], c.Args)
	}
	if mounts["config"] != "/config/codegraph" {
		t.Errorf("config mounted at %q", mounts["config"])
	}
	foundCM := false
	for _, v := range s.Template.Spec.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name == cm.Metadata.Name {
			foundCM = true
			for _, it := range v.ConfigMap.Items {
				if _, ok := cm.Data[it.Key]; !ok {
					t.Errorf("config volume item %q not in the ConfigMap", it.Key)
				}
			}
		}
	}
	if !foundCM {
		t.Error("the ConfigMap is not mounted")
	}
	// The mounted config.yaml is a valid codegraph configuration (parsed
	// by the same code `codegraph config` uses, through the binary's
	// package in a test of its own; here: YAML with the two sections).
	var conf map[string]map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &conf); err != nil || conf["server"] == nil || conf["index"] == nil {
		t.Errorf("config.yaml: %v %v", conf, err)
	}
	usesSecret := false
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil && ef.SecretRef.Name == sec.Metadata.Name {
			usesSecret = true
		}
	}
	if !usesSecret || sec.StringData["CODEGRAPH_API_KEYS"] == "" {
		t.Errorf("API keys: secret used %v, CODEGRAPH_API_KEYS %q", usesSecret, sec.StringData["CODEGRAPH_API_KEYS"])
	}
}
